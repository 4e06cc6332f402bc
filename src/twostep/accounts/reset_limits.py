"""Limits on password-reset e-mails, so the reset form cannot flood a mailbox or the mail server.

Per ``TWOSTEP_RESET_MAIL_WINDOW`` seconds (default 3600) at most ``TWOSTEP_RESET_MAILS_PER_ADDRESS`` (3)
mails go to one address and ``TWOSTEP_RESET_MAILS_PER_CLIENT`` (20) requests are served for one client IP (all
three read from the environment, ranges in ``twostep.tuning``; read through ``twostep.accounts.conf``).
Counters live in Django's cache (Redis in production, shared by every app server), keyed by an HMAC of the
canonical address (every spelling of one address counts together; none sits in the cache in clear). Past a
limit the form answers as always (the "sent" page) but sends nothing, so the limit tells nothing about
which addresses have accounts.
"""

from django.utils.crypto import salted_hmac

from twostep import counters
from twostep.accounts.addresses import comparable_email
from twostep.accounts.conf import app_settings
from twostep.audit.client import client_address

PREFIX = "twostep:reset"


def _count(key: str) -> int:
    """Add one to ``key`` (created for one window on first use); returns the new count."""
    return counters.count(key, window=app_settings().reset_mail_window)


def allow_reset_mail(email: str, request) -> bool:
    """Count one reset request for ``email`` from ``request``'s client; False once either limit is passed."""
    address = salted_hmac("twostep.reset-mail", comparable_email(email)).hexdigest()
    by_address = _count(f"{PREFIX}:address:{address}")
    by_client = _count(f"{PREFIX}:client:{client_address(request) or 'unknown'}")
    conf = app_settings()
    return by_address <= conf.reset_mails_per_address and by_client <= conf.reset_mails_per_client
