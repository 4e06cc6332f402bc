"""Signals of account changes, for the apps above ``accounts`` (which it must not import).

``password_changed`` is sent with ``user=`` inside the transaction of a password change or reset, so a
receiver's writes commit or roll back with it (``mfa`` discards unconfirmed authenticator setups).
"""

from django.dispatch import Signal

password_changed = Signal()
