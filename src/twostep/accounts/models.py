"""The portal's user: signs in with an e-mail address in its canonical form (``accounts.addresses``);
no two users have addresses that look the same (a unique confusable skeleton)."""

from typing import ClassVar

from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from twostep.accounts.addresses import AddressError, canonical_email, email_skeleton
from twostep.accounts.sessions import end_all_sessions


def validate_address(value: str) -> None:
    """Model-field validator (forms, ``createsuperuser``): ``value`` must pass ``canonical_email``."""
    try:
        canonical_email(value)
    except AddressError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, email: str | None) -> "User":
        """The user with exactly this address once canonical; an address that ``canonical_email`` refuses
        is nobody's (DoesNotExist, so a sign-in with it costs and answers like an unknown address)."""
        try:
            return self.get(email=canonical_email(email or ""))
        except AddressError:
            raise self.model.DoesNotExist("No user has this address.") from None

    def look_alike(self, address: str, *, exclude_pk=None) -> "User | None":
        """Another user (not ``exclude_pk``) whose address looks like the canonical ``address`` (the same
        skeleton) or is the same; None when there is none."""
        users = self.filter(models.Q(email_skeleton=email_skeleton(address)) | models.Q(email=address))
        return users.exclude(pk=exclude_pk).order_by("pk").first()

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        """Raises ValueError (no address), AddressError (refused by ``canonical_email``) or IntegrityError
        (the address, or one that looks the same, has an account)."""
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        """Like ``create_user``; a password is first checked by ``AUTH_PASSWORD_VALIDATORS`` (ValidationError),
        so ``twostep createsuperuser`` refuses a weak one also with ``--noinput`` and after its *Bypass password
        validation* question."""
        fields.update(is_staff=True, is_superuser=True)
        if password is not None:
            password_validation.validate_password(password, self.model(email=email, **fields))
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail address", max_length=254, unique=True, validators=[validate_address])
    # NULL, not "", while unresolved: any number of accounts may lack a key, but no two share one.
    email_skeleton = models.CharField(  # noqa: DJ001
        "look-alike key", max_length=1024, unique=True, null=True, editable=False,
        help_text="Unicode TR39 skeleton of the address; empty while the address is refused or looks the same "
                  "as another account's (see `twostep check --database default`).")
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session of the user (see accounts.sessions)."
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        """Saving the address makes it canonical and sets its skeleton (AddressError when refused;
        IntegrityError when another account has it or one that looks the same). Saving an active account as
        inactive also ends all of its sessions, in the same transaction."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            self.email = canonical_email(self.email)
            self.email_skeleton = email_skeleton(self.email)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_skeleton"}
        with transaction.atomic():
            deactivating = self._deactivating(update_fields)
            super().save(*args, **kwargs)
            if deactivating:
                # An inactive account's sessions only stop working; raising the epoch ends them, so that making
                # the account active again revives none of them (ASVS 7.4.2).
                end_all_sessions(self)

    def _deactivating(self, update_fields) -> bool:
        """True when this save turns the stored, active account inactive."""
        if self.is_active or self.pk is None or (update_fields is not None and "is_active" not in update_fields):
            return False
        return type(self)._default_manager.filter(pk=self.pk, is_active=True).exists()

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django checks this HMAC on every request; folding in session_epoch lets us end all sessions at once.
        key_salt = "twostep.accounts.User.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}:{self.session_epoch}", secret=secret,
                           algorithm="sha256").hexdigest()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class UserSession(models.Model):
    """One signed-in session of a user, for the user's own list of sessions (``accounts.user_sessions``).

    Keeps the SHA-256 of the session key, never the key: a copy of this table signs nobody in. A signed-in
    session without its row is signed out (``accounts.session_store``), so deleting the row ends the session.
    """

    key_digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(help_text="Updated at most once a minute.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    browser = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
