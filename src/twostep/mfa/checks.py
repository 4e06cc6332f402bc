"""Start-up checks of the MFA settings (``manage.py check`` and every server start)."""

from cryptography.fernet import Fernet
from django.core.checks import Error, Info, Tags, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from twostep import otp
from twostep.accounts.conf import throttle_settings
from twostep.mfa.conf import app_settings
from twostep.mfa.models import RecoveryCode


@register()
def check_mfa_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    conf = app_settings()
    if ":" in conf.issuer or not conf.issuer.strip():
        errors.append(Error("TWOSTEP_ISSUER must be non-empty and contain no ':'", id="twostep.E001"))
    if not 0 <= conf.window <= otp.drift.CLOCK_BAND:
        errors.append(Error("TWOSTEP_TOTP_WINDOW must be between 0 and 10 time steps", id="twostep.E002"))
    if conf.accept not in otp.drift.ACCEPT_MODES:
        errors.append(Error("TWOSTEP_TOTP_ACCEPT must be current-and-previous or current", id="twostep.E007"))
    if conf.digits not in (6, 7, 8):
        errors.append(Error("TWOSTEP_TOTP_DIGITS must be 6, 7 or 8", id="twostep.E003"))
    if not 1 <= conf.period <= 32767:  # the otp core needs >= 1 s; Authenticator.period is a small integer
        errors.append(Error("TWOSTEP_TOTP_PERIOD must be between 1 and 32767 seconds (30 is what apps expect)",
                            id="twostep.E006"))
    if conf.algorithm not in ("sha1", "sha256", "sha512"):
        errors.append(Error("TWOSTEP_TOTP_ALGORITHM must be sha1, sha256 or sha512", id="twostep.E004"))
    errors.extend(_throttle_errors(conf, throttle_settings()))
    for position, key in enumerate(conf.encryption_keys or [None]):
        try:
            Fernet(key)
        except Exception:
            errors.append(Error(f"TWOSTEP_ENCRYPTION_KEYS item {position + 1} is not a Fernet key "
                                "(32 url-safe base64-encoded bytes)", id="twostep.E005"))
    return errors


def _throttle_errors(conf, passwords) -> list[Error]:
    """``conf``: the wrong-code settings (``mfa.conf``); ``passwords``: the wrong-password ones (``accounts.conf``)."""
    errors = []
    if not 1 <= conf.code_lock_after <= 100:
        errors.append(Error("TWOSTEP_CODE_LOCK_AFTER must be between 1 and 100 (NIST SP 800-63B allows at most "
                            "100 consecutive wrong codes)", id="twostep.E020"))
    if conf.throttle_free_failures < 1 or passwords.password_ip_free_failures < 1:
        errors.append(Error("TWOSTEP_THROTTLE_FREE_FAILURES and TWOSTEP_PASSWORD_IP_FREE_FAILURES must be at "
                            "least 1", id="twostep.E021"))
    if not 1 <= conf.throttle_base_delay <= conf.throttle_max_delay:
        errors.append(Error("TWOSTEP_THROTTLE_BASE_DELAY must be at least 1 and at most TWOSTEP_THROTTLE_MAX_DELAY",
                            id="twostep.E022"))
    if passwords.device_cookie_age < 86400 or passwords.device_cookie_max_failures < 1:
        errors.append(Error("TWOSTEP_DEVICE_COOKIE_AGE must be at least 86400 seconds (a day) and "
                            "TWOSTEP_DEVICE_COOKIE_MAX_FAILURES at least 1", id="twostep.E024"))
    if conf.proxy_count < 0:
        errors.append(Error("TWOSTEP_PROXY_COUNT must be 0 (no reverse proxy) or more", id="twostep.E023"))
    return errors


@register(Tags.database)
def check_recovery_code_storage(app_configs, databases=None, **kwargs) -> list[Info]:
    """With ``--database``: how many users still hold unused recovery codes stored as HMAC-SHA256 (issued
    before Argon2id; ``recovery.codes``). Information, not a problem: those codes work until used or replaced."""
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    try:
        users = (RecoveryCode.objects.filter(used_at__isnull=True).exclude(code_hash__startswith="$argon2")
                 .values("user").distinct().count())
    except DatabaseError:
        return []  # the service check reports a database that does not answer or is not migrated
    if not users:
        return []
    who = "1 user has" if users == 1 else f"{users} users have"
    return [Info(f"{who} unused recovery codes stored as HMAC-SHA256, from before Argon2id: they work until used "
                 "or replaced by a new set.",
                 hint="To have every code stored with Argon2id, ask those users to generate new recovery codes "
                      "(Security, Generate new recovery codes).", id="twostep.I050")]
