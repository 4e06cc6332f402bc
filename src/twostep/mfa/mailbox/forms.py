"""The temporary access pass field of the mailbox proof page (its code field is ``authenticators.forms.CodeForm``)."""

from django import forms


class AccessPassForm(forms.Form):
    access_pass = forms.CharField(label="Temporary access pass", max_length=64, strip=True,
                                  error_messages={"required": "Enter the pass your support desk gave you."},
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
