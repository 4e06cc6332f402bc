"""Forms of the organization's MFA pages: the *Require MFA* switch, the members page's status filter and the
reset of a member's MFA."""

from datetime import date

from django import forms

from twostep.mfa.recovery.reset import ReasonRequiredError
from twostep.mfa.rollout import members
from twostep.mfa.staff.identity import identity_check_field


class RequireMfaForm(forms.Form):
    """The switch, and from when: now, or from a date (today or later; the grace period runs until then).

    ``today`` is the current date in the site's time zone. ``cleaned_data["enforce_date"]`` is None
    unless MFA is required from a date. The switch is a checkbox: "on" when ticked, absent when not (an
    HTML form sends nothing for an unticked box); any other value is refused."""

    NOW, FROM_DATE = "now", "date"
    require_mfa = forms.BooleanField(label="Require MFA for every member", required=False)
    starts = forms.ChoiceField(label="From when", choices=[(NOW, "Now"), (FROM_DATE, "From a date")],
                               initial=NOW, required=False, widget=forms.RadioSelect)
    enforce_date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, like 2027-01-15."})

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("require_mfa") or cleaned.get("starts") != self.FROM_DATE:
            self.errors.pop("enforce_date", None)
            cleaned["enforce_date"] = None
        elif "enforce_date" not in self.errors:
            self.check_date(cleaned.get("enforce_date"))
        return cleaned

    def check_date(self, day: date | None) -> None:
        if day is None:
            self.add_error("enforce_date", forms.ValidationError(
                "Enter the date from which members must use MFA.", code="date_missing"))
        elif day < self.today:
            self.add_error("enforce_date", forms.ValidationError(
                f"Choose today ({self.today:%Y-%m-%d}) or a later date: that day has passed.", code="date_in_past"))

    def clean_require_mfa(self) -> bool:
        raw = self.data.get(self.add_prefix("require_mfa"))
        if raw not in (None, "on"):
            raise forms.ValidationError("Tick the box to require MFA, or clear it to stop requiring it, and save.",
                                        code="invalid_choice")
        return self.cleaned_data["require_mfa"]


class StatusFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *members.STATUS_LABELS.items()], required=False,
                               error_messages={"invalid_choice": "Filter by Set up, Not yet or Locked."})


class MemberResetForm(forms.Form):
    """An organization admin's reset of a member's MFA: how they checked who asked, and why (both required)."""

    identity_check = identity_check_field()
    reason = forms.CharField(
        label="Reason", max_length=1000, strip=True,
        help_text="Why, and how you checked that the request comes from the member (the number you called, who "
                  "confirmed).",
        error_messages={"required": ReasonRequiredError.message}, widget=forms.Textarea(attrs={"rows": 3}))
