"""``{% load contact %}``: ``{{ support_contact|contact_link }}``, the support contact (``TWOSTEP_SUPPORT_CONTACT``)
as a link a person can follow: ``mailto:`` for an e-mail address (written with or without ``mailto:``), the URL
itself for an http(s) URL; any other text (a phone number, a room) as plain text."""

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()
_url = URLValidator(schemes=["http", "https"])


def _valid(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@register.filter
def contact_link(contact: str) -> SafeString | str:
    """``"help@acme.example"`` as ``<a href="mailto:help@acme.example">help@acme.example</a>``, a URL as a link
    to it, anything else escaped as it is; "" stays ""."""
    text = (contact or "").strip()
    address = text.removeprefix("mailto:")
    if _valid(validate_email, address):
        return format_html('<a href="mailto:{}">{}</a>', address, address)
    if _valid(_url, text):
        return format_html('<a href="{}">{}</a>', text, text)
    return text
