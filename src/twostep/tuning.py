"""Who must use MFA, and the tuning of verification, throttling, password-reset mail limits, session lifetimes and
password hashing, read from the environment at start-up.

Each variable is a whole number of seconds, steps, digits, tries, KiB or passes (``TWOSTEP_TOTP_ALGORITHM`` and
``TWOSTEP_MFA_REQUIRED_FOR``, ``TWOSTEP_TOTP_ACCEPT`` names) in a range that keeps what the README's *Security
model* promises; a value outside it stops start-up with one line naming the variable, like every other variable
(``twostep.config``). What each one means: ``twostep.mfa.policy``, ``twostep.mfa.conf``,
``twostep.accounts.reset_limits`` and ``twostep.accounts.hashing`` (whose start-up check also refuses Argon2
parameters below OWASP's minimum); the README's Configuration table lists them with their ranges.
"""

from django.core.exceptions import ImproperlyConfigured

from twostep.config import Problems, env, env_bool, env_choice, env_int

# name: (default, minimum, maximum)
WHOLE_NUMBERS = {
    "TWOSTEP_TOTP_WINDOW": (1, 0, 10),  # time steps either side of ours searched for the app's clock at setup
    "TWOSTEP_TOTP_PERIOD": (30, 15, 60),  # seconds per step of new authenticators (apps assume 30)
    "TWOSTEP_TOTP_DIGITS": (6, 6, 8),  # digits per code of new authenticators
    "TWOSTEP_PENDING_TIMEOUT": (300, 60, 1800),  # seconds from the password to the code
    "TWOSTEP_PENDING_MAX_ATTEMPTS": (5, 1, 10),  # wrong codes in one pending sign-in
    "TWOSTEP_SETUP_TIMEOUT": (900, 300, 3600),  # seconds a setup (and its mailbox proof) stays valid
    "TWOSTEP_MAILBOX_CODE_LIFETIME": (600, 300, 3600),  # seconds a mailed setup code stays valid
    "TWOSTEP_ACCESS_PASS_LIFETIME": (3600, 600, 7 * 86400),  # seconds a temporary access pass stays valid
    "TWOSTEP_DEVICE_COOKIE_AGE": (365 * 86400, 86400, 2 * 365 * 86400),  # seconds a browser stays known
    "TWOSTEP_DEVICE_COOKIE_MAX_FAILURES": (10, 1, 100),  # wrong passwords before a device cookie is distrusted
    "TWOSTEP_THROTTLE_FREE_FAILURES": (5, 1, 100),
    "TWOSTEP_THROTTLE_BASE_DELAY": (30, 1, 3600),  # seconds
    "TWOSTEP_THROTTLE_MAX_DELAY": (900, 1, 86400),  # seconds
    "TWOSTEP_CODE_LOCK_AFTER": (100, 1, 100),  # NIST SP 800-63B allows at most 100
    "TWOSTEP_PASSWORD_IP_FREE_FAILURES": (20, 1, 10000),
    "TWOSTEP_PASSWORD_FAILURE_WINDOW": (86400, 60, 30 * 86400),  # seconds
    "TWOSTEP_RESET_MAILS_PER_ADDRESS": (3, 1, 100),
    "TWOSTEP_RESET_MAILS_PER_CLIENT": (20, 1, 10000),
    "TWOSTEP_RESET_MAIL_WINDOW": (3600, 60, 7 * 86400),  # seconds
    "TWOSTEP_SESSION_IDLE_TIMEOUT": (1800, 60, 86400),  # seconds without a request before a session ends
    "TWOSTEP_SESSION_MAX_AGE": (12 * 3600, 300, 30 * 86400),  # seconds from the sign-in before a session ends
    # Argon2id of passwords, defaults Django's; OWASP's minimum (t=2, 19 MiB) is twostep.accounts.hashing's check.
    "TWOSTEP_ARGON2_TIME_COST": (2, 1, 100),  # passes
    "TWOSTEP_ARGON2_MEMORY_COST": (102400, 1, 4 * 1024 * 1024),  # KiB (at most 4 GiB per hash)
    "TWOSTEP_ARGON2_PARALLELISM": (8, 1, 64),  # lanes
}
ALGORITHMS = ("sha1", "sha256", "sha512")
# Who must use MFA besides members of organizations that require it (twostep.mfa.policy): nobody else, every
# admin of any organization (the default), every account.
MFA_REQUIRED_FOR = ("organizations", "admins", "everyone")
ACCEPT_MODES = ("current-and-previous", "current")  # twostep.otp.drift.ACCEPT_MODES
DEFAULTS = {name: default for name, (default, _, _) in WHOLE_NUMBERS.items()} | {
    "TWOSTEP_TOTP_ALGORITHM": "sha1", "TWOSTEP_TOTP_ACCEPT": "current-and-previous", "TWOSTEP_MAILBOX_PROOF": True,
    "TWOSTEP_MFA_REQUIRED_FOR": "admins"}


def tuning() -> dict:
    """Setting name -> value for every tuning variable; raises ImproperlyConfigured with one line per problem."""
    problems = Problems()
    values = {name: problems.read(env_int, name, default, minimum=low, maximum=high, fallback=default)
              for name, (default, low, high) in WHOLE_NUMBERS.items()}
    values["TWOSTEP_TOTP_ALGORITHM"] = problems.read(env_choice, "TWOSTEP_TOTP_ALGORITHM", "sha1", ALGORITHMS,
                                                     fallback="sha1")
    values["TWOSTEP_MFA_REQUIRED_FOR"] = problems.read(env_choice, "TWOSTEP_MFA_REQUIRED_FOR", "admins",
                                                       MFA_REQUIRED_FOR, fallback="admins")
    # Which steps a sign-in code may come from: the app's current one and the one before it, or only the current.
    values["TWOSTEP_TOTP_ACCEPT"] = problems.read(env_choice, "TWOSTEP_TOTP_ACCEPT", ACCEPT_MODES[0], ACCEPT_MODES,
                                                  fallback=ACCEPT_MODES[0])
    # Off only where every account's mailbox is already proven some other way (documented in the README).
    values["TWOSTEP_MAILBOX_PROOF"] = problems.read(env_bool, "TWOSTEP_MAILBOX_PROOF", True, fallback=True)
    if values["TWOSTEP_THROTTLE_MAX_DELAY"] < values["TWOSTEP_THROTTLE_BASE_DELAY"]:
        problems.add("TWOSTEP_THROTTLE_MAX_DELAY must be at least TWOSTEP_THROTTLE_BASE_DELAY (the first wait)")
    if values["TWOSTEP_PASSWORD_FAILURE_WINDOW"] < values["TWOSTEP_THROTTLE_MAX_DELAY"]:
        problems.add("TWOSTEP_PASSWORD_FAILURE_WINDOW must be at least TWOSTEP_THROTTLE_MAX_DELAY (a counter "
                     "forgotten during a wait would start again from zero)")
    if values["TWOSTEP_SESSION_MAX_AGE"] < values["TWOSTEP_SESSION_IDLE_TIMEOUT"]:
        problems.add("TWOSTEP_SESSION_MAX_AGE must be at least TWOSTEP_SESSION_IDLE_TIMEOUT (a session would end "
                     "before it could be idle that long)")
    problems.raise_any()
    return values


def issuer() -> str:
    """``TWOSTEP_ISSUER``, the name authenticator apps show: 1 to 64 characters, no ":"."""
    value = env("TWOSTEP_ISSUER", "twostep").strip()
    if ":" in value or not 1 <= len(value) <= 64:
        raise ImproperlyConfigured("TWOSTEP_ISSUER must be 1 to 64 characters without ':' (the ':' separates "
                                   "the issuer from the account name in authenticator apps)")
    return value
