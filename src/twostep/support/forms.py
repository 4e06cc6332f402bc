"""Forms of the support console."""

from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(label="E-mail or name", max_length=254, required=False, strip=True,
                        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "autocomplete": "off"}))


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=1000, strip=True,
        help_text="Why, and how you checked that the request came from this person.",
        error_messages={"required": "Give the reason for the reset (for example how you checked who asked)."},
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
