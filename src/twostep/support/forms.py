"""Forms of the support console."""

from django import forms

from twostep.accounts.addresses import AddressError, canonical_email, fold, has_unusual_characters
from twostep.mfa.staff.identity import identity_check_field

UNUSUAL_SEARCH = "This search contains invisible or unusual characters. Type it again by hand."


class SearchForm(forms.Form):
    q = forms.CharField(label="E-mail or name", max_length=254, required=False, strip=True,
                        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "autocomplete": "off"}))

    def clean_q(self) -> str:
        """The query as addresses are compared: NFKC and lower case, a whole address also with its domain
        through IDNA; one with invisible or unusual characters (but for spaces) is refused (code
        ``unusual_characters``)."""
        query = self.cleaned_data["q"]
        if has_unusual_characters(query.replace(" ", "")):  # a name has spaces
            raise forms.ValidationError(UNUSUAL_SEARCH, code="unusual_characters")
        try:
            return canonical_email(query) if "@" in query else fold(query)
        except AddressError:
            return fold(query)


class ResetForm(forms.Form):
    identity_check = identity_check_field()
    reason = forms.CharField(
        label="Reason", max_length=1000, strip=True,
        help_text="Why, and the details of the check (the number you called, who confirmed, which document).",
        error_messages={"required": "Give the reason for the reset (for example how you checked who asked)."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ticket = forms.CharField(label="Ticket reference (optional)", max_length=100, required=False, strip=True)


class ResetAndLiftForm(ResetForm):
    """The reset form of an account on hold: it offers to lift the hold in the same step."""

    lift_hold = forms.BooleanField(
        label="Also lift the hold on this account", required=False,
        help_text="Only when you checked that you are dealing with the owner; otherwise nobody can sign in to "
                  "the account until the hold is lifted.",
    )


class LiftHoldForm(forms.Form):
    identity_check = identity_check_field()
    reason = forms.CharField(
        label="Note on the check", max_length=1000, strip=True,
        help_text="The details: the number you called back, who confirmed, which document you saw.",
        error_messages={"required": "Say how you checked that you are dealing with the owner of the account."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ticket = forms.CharField(label="Ticket reference (optional)", max_length=100, required=False, strip=True)


class IssueAccessPassForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, strip=True,
        help_text="How you checked that the request came from this person, and why they cannot use e-mail.",
        error_messages={"required": "Give the reason for the pass (for example how you checked who asked)."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ticket = forms.CharField(label="Ticket reference (optional)", max_length=100, required=False, strip=True)
