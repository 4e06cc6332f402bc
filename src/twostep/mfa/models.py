"""MFA data: authenticators (one confirmed and at most one being enrolled per user), the
per-organization *Require MFA* policy, recovery codes and temporary access passes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from twostep.organizations.models import Organization


class Authenticator(models.Model):
    """A TOTP authenticator app. ``confirmed_at`` is None while enrollment is unconfirmed: such a row
    never verifies a sign-in, and belongs to the one session that started the setup (``setup_binding``,
    the SHA-256 of a random nonce kept in that session) until ``setup_expires_at``. The secret is stored
    sealed by ``twostep.mfa.vault``."""

    class Type(models.TextChoices):
        TOTP = "totp", "Authenticator app (TOTP)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authenticators")
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.TOTP)
    name = models.CharField(max_length=100, default="Authenticator app")
    sealed_secret = models.TextField()
    algorithm = models.CharField(max_length=10, default="sha1")
    digits = models.PositiveSmallIntegerField(default=6)
    period = models.PositiveSmallIntegerField(default=30, help_text="Seconds per time step.")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(null=True, blank=True,
                                                help_text="Client address of the confirming request.")
    setup_binding = models.CharField(max_length=64, blank=True, default="",
                                     help_text="SHA-256 (hex) of the nonce of the session setting it up.")
    setup_expires_at = models.DateTimeField(null=True, blank=True,
                                            help_text="An unconfirmed authenticator is void after this.")
    last_used_step = models.BigIntegerField(null=True, blank=True, help_text="Last accepted TOTP time step.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Throttling of wrong codes, shared by every app server because it lives in this row.
    failed_attempts = models.PositiveIntegerField(default=0, help_text="Consecutive wrong codes.")
    throttled_until = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(confirmed_at__isnull=False),
                                    name="authenticator_one_confirmed_per_user"),
            models.UniqueConstraint(fields=["user"], condition=Q(confirmed_at__isnull=True),
                                    name="authenticator_one_pending_per_user"),
        ]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "enrolling"
        return f"{self.name} of {self.user} ({state})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class OrganizationMfaPolicy(models.Model):
    """One row per organization that ever touched *Require MFA*. ``enforce_from`` is when members
    must have MFA (the moment it was switched on, or a later date: the grace period)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, primary_key=True,
                                        related_name="mfa_policy")
    required = models.BooleanField(default=False)
    enforce_from = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "organization MFA policy"
        verbose_name_plural = "organization MFA policies"

    def __str__(self) -> str:
        return f"{self.organization}: MFA {'required' if self.required else 'optional'}"


class RecoveryCode(models.Model):
    """One single-use recovery code, stored only as a keyed hash (see ``twostep.mfa.recovery_codes``).

    ``used_at`` is None until the code is accepted; the conditional UPDATE that sets it is the
    single-use guard. A new set replaces the whole old set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, help_text="HMAC-SHA256 (hex) of the normalized code.")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index of every lookup: (user) for counts, (user, code_hash) for a sign-in.
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_user_hash"),
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user} ({'used' if self.used_at else 'unused'})"


class AccessPass(models.Model):
    """A temporary access pass: issued by support (or an operator) to a user who cannot receive e-mail, it
    stands in for the mailbox proof of a first enrollment, once, until ``expires_at``. Only its keyed hash
    is stored (see ``twostep.mfa.access_passes``). Issuing a new pass voids the user's unused ones."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_passes")
    pass_hash = models.CharField(max_length=64, unique=True, help_text="HMAC-SHA256 (hex) of the pass.")
    issued_by_label = models.CharField(max_length=254)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "temporary access pass"
        verbose_name_plural = "temporary access passes"
        indexes = [models.Index(fields=["user", "used_at"], name="access_pass_user_used")]

    def __str__(self) -> str:
        return f"access pass of {self.user} ({'used' if self.used_at else 'unused'})"
