"""Forms of the support console."""

from django import forms

from twostep.accounts.addresses import AddressError, canonical_email, fold, has_unusual_characters

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
    reason = forms.CharField(
        label="Reason", max_length=1000, strip=True,
        help_text="Why, and how you checked that the request came from this person.",
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
    reason = forms.CharField(
        label="How you checked who they are", max_length=1000, strip=True,
        help_text="For example: a call-back on the phone number on file, their manager confirmed, an ID seen.",
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
