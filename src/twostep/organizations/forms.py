"""Forms of membership management and of accepting an invitation."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from twostep.accounts.forms import AddressField
from twostep.organizations.models import Membership


class InviteForm(forms.Form):
    email = AddressField(label="E-mail address", max_length=254,
                         widget=forms.EmailInput(attrs={"autocomplete": "off", "autofocus": True}))
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
                             widget=forms.RadioSelect)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices,
                             error_messages={"invalid_choice": "Choose the role Admin or Member."})


class NewAccountForm(SetPasswordForm):
    """The invitee's name and new password, checked by Django's password validators against ``user``
    (an unsaved user carrying the invited e-mail address)."""

    name = forms.CharField(label="Your name", max_length=150, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}))
    field_order = ["name", "new_password1", "new_password2"]
