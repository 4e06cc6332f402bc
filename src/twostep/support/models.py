"""Support's own record: one row per MFA reset, and the ``support.reset_mfa`` permission it carries.

Support staff are staff users (``is_staff``) holding ``support.reset_mfa``: being staff means the
MFA policy always requires MFA of them. Rows keep the user's id and e-mail, not a foreign key, so the
record outlives a deleted user, like the audit trail.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from twostep.mfa.models import IdentityCheck


class SupportReset(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", help_text="The support user; empty for the command line.")
    actor_label = models.CharField(max_length=254)
    user_id = models.BigIntegerField(db_index=True, help_text="The user whose MFA was reset.")
    user_email = models.EmailField(max_length=254)
    reason = models.TextField()
    identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices, blank=True,
                                      help_text="How the person's identity was checked (empty before it was recorded).")
    ticket = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not stored: set on the record ``services.reset_user_mfa`` returns (was a hold lifted, is one still on).
    hold_lifted: bool
    on_hold: bool

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("reset_mfa", "Can use the support console and reset a user's MFA")]

    def __str__(self) -> str:
        return f"MFA reset of {self.user_email} by {self.actor_label} ({self.created_at:%Y-%m-%d %H:%M})"
