"""twostep's MFA settings, typed and read lazily from Django settings (``TWOSTEP_*``).

The settings module reads each of them from the environment variable of the same name and stops start-up on a
value out of range: the ranges are in ``twostep.tuning`` (``TWOSTEP_PROXY_COUNT``: 0 to 10) and the README's
Configuration table. The test clock, ``TWOSTEP_CLOCK``, is read by ``twostep.clock``.

| setting                         | default        | meaning                                                  |
|---------------------------------|----------------|----------------------------------------------------------|
| TWOSTEP_MFA_REQUIRED_FOR        | "admins"       | who must use MFA besides members of requiring            |
|                                 |                | organizations: organizations, admins, everyone (read by  |
|                                 |                | ``twostep.mfa.policy.required_for``)                     |
| TWOSTEP_ISSUER                  | "twostep"      | issuer shown in the authenticator app (no ":")           |
| TWOSTEP_TOTP_WINDOW             | 1              | time steps either side of ours searched for the code that|
|                                 |                | confirms a setup: its step gives the app's clock offset  |
| TWOSTEP_TOTP_ACCEPT             | "current-and-  | the steps a sign-in code may come from, by the learned   |
|                                 |  previous"     | offset: the app's current step and the one before it, or |
|                                 |                | "current" alone (twostep.otp.drift)                      |
| TWOSTEP_TOTP_PERIOD             | 30             | seconds per time step for new authenticators             |
| TWOSTEP_TOTP_DIGITS             | 6              | digits per code for new authenticators                   |
| TWOSTEP_TOTP_ALGORITHM          | "sha1"         | HMAC hash for new authenticators                         |
| TWOSTEP_PENDING_TIMEOUT         | 300            | seconds between password and code before starting over   |
| TWOSTEP_PENDING_MAX_ATTEMPTS    | 5              | wrong codes allowed in one pending sign-in               |
| TWOSTEP_SETUP_TIMEOUT           | 900            | seconds a setup (first enrollment at sign-in, or a QR    |
|                                 |                | code shown while signed in) stays valid                  |
| TWOSTEP_MAILBOX_PROOF           | True           | a first enrollment first proves the mailbox: a one-time  |
|                                 |                | code by e-mail (or an invitation link, or an access pass)|
| TWOSTEP_MAILBOX_CODE_LIFETIME   | 600            | seconds a mailed setup code stays valid                  |
| TWOSTEP_ACCESS_PASS_LIFETIME    | 3600           | seconds a temporary access pass stays valid              |
| TWOSTEP_THROTTLE_FREE_FAILURES  | 5              | wrong codes (per user, all second factors) before the    |
|                                 |                | next try must wait (wrong passwords: ``accounts.conf``)  |
| TWOSTEP_THROTTLE_BASE_DELAY     | 30             | seconds of the first wait; each further failure doubles it|
| TWOSTEP_THROTTLE_MAX_DELAY      | 900            | the longest wait in seconds (15 minutes)                 |
| TWOSTEP_CODE_LOCK_AFTER         | 100            | consecutive wrong codes (of any second factor) that lock |
|                                 |                | every second factor until support resets MFA (NIST: 100) |
| TWOSTEP_SESSION_IDLE_TIMEOUT    | 1800           | seconds without a request after which a signed-in session|
|                                 |                | is signed out at its next one (``session_limits``)       |
| TWOSTEP_SESSION_MAX_AGE         | 43200          | seconds after its sign-in that a session is signed out,  |
|                                 |                | active or not: 12 hours                                  |
| TWOSTEP_PROXY_COUNT             | 0              | reverse proxies in front of the app: the client IP is    |
|                                 |                | that many entries from the right of X-Forwarded-For      |
| TWOSTEP_SUPPORT_CONTACT         | ""             | how to reach support (text: an e-mail address or URL),   |
|                                 |                | shown on the code and locked pages and in notices; "" =  |
|                                 |                | not shown                                                |
| TWOSTEP_STEPUP_MAX_AGE          | 600            | seconds a step-up lets sensitive changes through         |
|                                 |                | (settings only, not from the environment)                |
| TWOSTEP_RECOVERY_CODE_HASHING   | {}             | Argon2id parameters of recovery codes over               |
|                                 |                | ``recovery.codes.HASHING`` (settings only: tests lower   |
|                                 |                | them; production may only raise them)                    |
| TWOSTEP_ENCRYPTION_KEYS         | []             | Fernet keys sealing secrets at rest, newest first        |
|                                 |                | (``twostep.backing``; not shown in the object's repr)    |

The wrong-password settings (``TWOSTEP_PASSWORD_*``, ``TWOSTEP_DEVICE_COOKIE_*``) are the accounts app's
(``twostep.accounts.conf``). Wrong codes of every second factor count in one row per user (``FactorThrottle``,
see ``lockout``), so every server shares them.
"""

from dataclasses import dataclass, field

from django.conf import settings

from twostep.accounts.backoff import Schedule


@dataclass(frozen=True)
class MfaSettings:
    required_for: str
    issuer: str
    window: int
    accept: str
    period: int
    digits: int
    algorithm: str
    pending_timeout: int
    pending_max_attempts: int
    setup_timeout: int
    mailbox_proof: bool
    mailbox_code_lifetime: int
    access_pass_lifetime: int
    throttle_free_failures: int
    throttle_base_delay: int
    throttle_max_delay: int
    code_lock_after: int
    session_idle_timeout: int
    session_max_age: int
    proxy_count: int
    support_contact: str
    stepup_max_age: int
    recovery_code_hashing: dict
    encryption_keys: list = field(repr=False)

    @property
    def schedule(self) -> Schedule:
        """The back-off of wrong codes per user (all second factors)."""
        return Schedule(self.throttle_free_failures, self.throttle_base_delay, self.throttle_max_delay)


def app_settings() -> MfaSettings:
    """The current values (read on each call, so ``override_settings`` works in tests)."""
    return MfaSettings(
        required_for=getattr(settings, "TWOSTEP_MFA_REQUIRED_FOR", "admins"),
        issuer=getattr(settings, "TWOSTEP_ISSUER", "twostep"),
        window=getattr(settings, "TWOSTEP_TOTP_WINDOW", 1),
        accept=getattr(settings, "TWOSTEP_TOTP_ACCEPT", "current-and-previous"),
        period=getattr(settings, "TWOSTEP_TOTP_PERIOD", 30),
        digits=getattr(settings, "TWOSTEP_TOTP_DIGITS", 6),
        algorithm=getattr(settings, "TWOSTEP_TOTP_ALGORITHM", "sha1"),
        pending_timeout=getattr(settings, "TWOSTEP_PENDING_TIMEOUT", 300),
        pending_max_attempts=getattr(settings, "TWOSTEP_PENDING_MAX_ATTEMPTS", 5),
        setup_timeout=getattr(settings, "TWOSTEP_SETUP_TIMEOUT", 900),
        mailbox_proof=getattr(settings, "TWOSTEP_MAILBOX_PROOF", True),
        mailbox_code_lifetime=getattr(settings, "TWOSTEP_MAILBOX_CODE_LIFETIME", 600),
        access_pass_lifetime=getattr(settings, "TWOSTEP_ACCESS_PASS_LIFETIME", 3600),
        throttle_free_failures=getattr(settings, "TWOSTEP_THROTTLE_FREE_FAILURES", 5),
        throttle_base_delay=getattr(settings, "TWOSTEP_THROTTLE_BASE_DELAY", 30),
        throttle_max_delay=getattr(settings, "TWOSTEP_THROTTLE_MAX_DELAY", 900),
        code_lock_after=getattr(settings, "TWOSTEP_CODE_LOCK_AFTER", 100),
        session_idle_timeout=getattr(settings, "TWOSTEP_SESSION_IDLE_TIMEOUT", 1800),
        session_max_age=getattr(settings, "TWOSTEP_SESSION_MAX_AGE", 12 * 3600),
        proxy_count=getattr(settings, "TWOSTEP_PROXY_COUNT", 0),
        support_contact=getattr(settings, "TWOSTEP_SUPPORT_CONTACT", ""),
        stepup_max_age=getattr(settings, "TWOSTEP_STEPUP_MAX_AGE", 600),
        recovery_code_hashing=getattr(settings, "TWOSTEP_RECOVERY_CODE_HASHING", {}),
        encryption_keys=getattr(settings, "TWOSTEP_ENCRYPTION_KEYS", []),
    )

