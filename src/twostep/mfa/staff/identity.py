"""The identity check support records before a reset or lifting a hold (``models.IdentityCheck``)."""

from django import forms

from twostep.mfa.errors import MfaError
from twostep.mfa.models import IdentityCheck


class IdentityCheckRequiredError(MfaError):
    code = "identity_check_required"
    message = ("Choose how you checked who the person is: a call-back to a number on file, an ID document checked "
               "in person, their manager, or other (described in the note).")


def checked_identity(value) -> str:
    """``value`` as an ``IdentityCheck`` value; IdentityCheckRequiredError when it is blank or not one of them."""
    value = (value or "").strip()
    if value not in IdentityCheck.values:
        raise IdentityCheckRequiredError()
    return value


def identity_check_field() -> forms.ChoiceField:
    """The required choice of how the person's identity was checked (``IdentityCheck``), for support's forms and
    an organization admin's reset."""
    message = IdentityCheckRequiredError.message
    return forms.ChoiceField(label="How you checked who they are", choices=IdentityCheck.choices,
                             widget=forms.RadioSelect, error_messages={"required": message, "invalid_choice": message})
