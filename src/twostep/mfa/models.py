"""MFA data: authenticators (one confirmed and at most one being enrolled per user), the one back-off of
wrong codes per user, the per-organization *Require MFA* policy, recovery codes, temporary access passes, the
*This wasn't me* links of the "MFA was set up" notices and the holds they place on accounts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from twostep.organizations.models import Organization


class Authenticator(models.Model):
    """A TOTP authenticator app. ``confirmed_at`` is None while enrollment is unconfirmed: such a row
    never verifies a sign-in, and belongs to the one session that started the setup (``setup_binding``,
    the SHA-256 of a random nonce kept in that session) until ``setup_expires_at``. The secret is stored
    sealed by ``twostep.mfa.authenticators.vault``."""

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
    # The app's clock, learned in time steps (``twostep.otp.drift``): the step it shows minus ours.
    drift = models.SmallIntegerField(default=0, help_text="Time steps the app's clock is ahead of ours (< 0: "
                                                          "behind), learned at setup and at sign-ins.")
    clock_step = models.BigIntegerField(null=True, blank=True, help_text="Time step of the last code answered "
                                        "with 'your phone's clock is off'; never accepted.")
    clock_drift = models.SmallIntegerField(null=True, blank=True, help_text="The offset in time steps that code "
                                           "showed, while a later code may confirm it.")
    recovery_codes: list[str]  # not a column: set by confirm_enrollment, the new codes to show once

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(confirmed_at__isnull=False),
                                    name="authenticator_one_confirmed_per_user"),
            models.UniqueConstraint(fields=["user"], condition=Q(confirmed_at__isnull=True),
                                    name="authenticator_one_pending_per_user"),
            models.CheckConstraint(condition=Q(drift__gte=-10, drift__lte=10), name="authenticator_drift_in_band"),
        ]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "enrolling"
        return f"{self.name} of {self.user} ({state})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class FactorThrottle(models.Model):
    """The one back-off and lockout of all of a user's second factors (``twostep.mfa.lockout``): TOTP codes,
    recovery codes, the mailbox codes and access passes of a first enrollment. Every check reads and updates
    this row under its lock, in the check's own transaction, so every app server counts the same guesses. The
    row is made at the user's first check; a support reset deletes it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="factor_throttle")
    failures = models.PositiveIntegerField(default=0, help_text="Consecutive wrong codes, of any second factor.")
    throttled_until = models.DateTimeField(null=True, blank=True, help_text="No code is checked before this.")
    locked_at = models.DateTimeField(null=True, blank=True,
                                     help_text="Since then no code is checked at all, until support resets MFA.")

    class Meta:
        verbose_name = "second-factor lockout"

    def __str__(self) -> str:
        state = "locked" if self.locked_at else f"{self.failures} wrong in a row"
        return f"second-factor lockout of {self.user} ({state})"


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
    """One single-use recovery code, stored only as a salted Argon2id hash (see ``twostep.mfa.recovery.codes``;
    codes issued before that keep their HMAC-SHA256 until used or replaced).

    ``used_at`` is None until the code is accepted; the conditional UPDATE that sets it is the
    single-use guard. A new set replaces the whole old set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128, help_text="Argon2id hash (PHC string, its own random salt) of "
                                 "the normalized code; 64 hex digits: the HMAC-SHA256 of an older code.")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index of every lookup by user: counts, and the set a typed code is checked against.
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_user_hash"),
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user} ({'used' if self.used_at else 'unused'})"


class AccessPass(models.Model):
    """A temporary access pass: issued by support (or an operator) to a user who cannot receive e-mail, it
    stands in for the mailbox proof of a first enrollment, once, until ``expires_at``. Only its keyed hash
    is stored (see ``twostep.mfa.mailbox.access_passes``). Issuing a new pass voids the user's unused ones."""

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


class DisownLink(models.Model):
    """The *This wasn't me* link of one "MFA was set up" notice: it works once, until ``expires_at``, and
    only its SHA-256 is stored (see ``twostep.mfa.disown``). ``authenticator`` is the one it disowns; it
    becomes empty when that authenticator is replaced or removed meanwhile. ``ip`` and ``browser`` are what
    the notice said about the setup, kept for the reports to support and admins."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disown_links")
    authenticator = models.ForeignKey(Authenticator, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 (hex) of the link's token.")
    set_up_at = models.DateTimeField(help_text="When the authenticator was confirmed.")
    ip = models.GenericIPAddressField(null=True, blank=True, help_text="Client address of the setup.")
    browser = models.CharField(max_length=100, blank=True, help_text="Browser of the setup, for people.")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"'This wasn't me' link of {self.user} ({'used' if self.used_at else 'unused'})"


class IdentityCheck(models.TextChoices):
    """How support checked that it was dealing with the person before a reset or lifting a hold (ASVS 6.4.4):
    through something an attacker holding the password and the mailbox would not have."""

    CALLBACK = "callback", "Call-back to a number on file"
    ID_DOCUMENT = "id-document", "ID document checked in person"
    MANAGER = "manager", "Their manager confirmed"
    OTHER = "other", "Other (described in the note)"


class AccountHold(models.Model):
    """A block on every sign-in of a user until support has checked the person (``twostep.mfa.disown.holds``).

    Placed when the owner says a new authenticator was not theirs; the account is on hold while a row of
    it has no ``lifted_at``. Lifting keeps the row, with who lifted it and how the identity was checked."""

    class Reason(models.TextChoices):
        DISOWNED = "disowned", "The owner said a new authenticator app was not theirs"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=500, blank=True, help_text="What happened, for support.")
    placed_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    lifted_by_label = models.CharField(max_length=254, blank=True)
    lift_note = models.TextField(blank=True, help_text="How the identity was checked before lifting.")
    lift_identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices, blank=True,
                                           help_text="How the identity was checked (empty before it was recorded).")

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            # Also the index of the sign-in's check (user, lifted_at IS NULL).
            models.UniqueConstraint(fields=["user"], condition=Q(lifted_at__isnull=True),
                                    name="account_hold_one_active_per_user"),
        ]

    def __str__(self) -> str:
        return f"hold on {self.user} ({'lifted' if self.lifted_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class MailboxChallenge(models.Model):
    """A setup code mailed for one session's mailbox proof (``twostep.mfa.mailbox``). Only an HMAC of the code
    is stored. ``tries`` counts checked guesses: each is claimed by a conditional UPDATE before the code is
    compared, so guesses sent in parallel (from any server) get no more than ``mailbox.MAX_TRIES``; ``used_at``
    marks the one accepted. ``session_binding`` is the session's setup binding (``setup_binding``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_binding = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64, help_text="HMAC-SHA256 (hex) of the code.")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "session_binding"], name="mailbox_challenge_session")]

    def __str__(self) -> str:
        return f"setup code for {self.user} ({'used' if self.used_at else f'{self.tries} tries'})"
