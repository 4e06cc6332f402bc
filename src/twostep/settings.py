"""Django settings for twostep, read from the environment.

Profiles (``TWOSTEP_PROFILE``):
- ``demo`` (default): SQLite in ``TWOSTEP_DATA_DIR`` (``./var``); the secret key and the encryption key
  are generated once and kept in that folder; e-mail is written to files there.
- ``production``: every secret and backing service (PostgreSQL, Redis, SMTP) comes from the environment,
  and missing or malformed values stop start-up with one error line per variable (twostep/backing.py);
  secure cookies and HSTS are on; logs are JSON lines.
"""

from pathlib import Path

from twostep import backing, tuning
from twostep.config import Problems, data_dir, env, env_bool, env_int, env_time_zone, profile
from twostep.ops.logs import configured_logging

BASE_DIR = Path(__file__).resolve().parent
PROFILE = profile()
PRODUCTION = PROFILE == "production"
DATA_DIR = data_dir()

# Every variable is read even after a bad one, so that start-up names all problems at once (raised at the end).
_problems = Problems()
SECRET_KEY = _problems.read(backing.secret_key, production=PRODUCTION, fallback="unset")
DEBUG = _problems.read(env_bool, "TWOSTEP_DEBUG", False, fallback=False)
if DEBUG and PRODUCTION:
    _problems.add("TWOSTEP_DEBUG must be off in the production profile (debug pages show settings)")
ALLOWED_HOSTS = _problems.read(backing.allowed_hosts, production=PRODUCTION, fallback=[])
CSRF_TRUSTED_ORIGINS = _problems.read(backing.trusted_origins, fallback=[])

INSTALLED_APPS = [
    "twostep.mfa.apps.AdminSiteConfig",  # Django's admin, open only to staff who passed a code
    "twostep.accounts",  # before contrib.auth: its createsuperuser (look-alike addresses refused) wins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "twostep.audit",
    "twostep.organizations",
    "twostep.mfa",
    "twostep.support",
    "twostep.ops",
    "django_rq",
]

MIDDLEWARE = [
    # First: /healthz, /readyz and /metrics answer before host checks and the HTTPS redirect (load balancers
    # and Prometheus call app servers by address, over plain HTTP).
    "twostep.ops.middleware.OpsEndpointsMiddleware",
    # The demo's delayed tasks (held in-process) run after a response is ready, outside its timing.
    "twostep.tasks.DueTasksMiddleware",
    "twostep.ops.middleware.RequestTelemetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "twostep.mfa.signin.session_limits.SessionLimitsMiddleware",  # idle timeout and absolute lifetime
    "twostep.accounts.user_sessions.LastSeenMiddleware",  # the session list's "last seen", once a minute
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "twostep.ops.middleware.FormRequestsMiddleware",
    "twostep.mfa.enforcement.MfaEnforcementMiddleware",
    "twostep.accounts.device_cookies.DeviceCookieMiddleware",  # sets the cookie of a sign-in completed in the request
    "twostep.audit.denials.AccessDeniedMiddleware",  # a view's PermissionDenied is audited access.denied
]

ROOT_URLCONF = "twostep.urls"
WSGI_APPLICATION = "twostep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "twostep.mfa.rollout.context_processors.mfa_grace",
            ],
        },
    },
]

# SQLite (demo) in WAL mode with IMMEDIATE transactions so concurrent writers queue instead of failing.
DATABASES = {"default": _problems.read(backing.database, production=PRODUCTION, data_dir=DATA_DIR,
                                      fallback={"ENGINE": "django.db.backends.dummy"})}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Redis (production): the cache (throttling counters) and the task queue. The demo keeps the cache in a table
# of its database, shared by all its processes, and runs tasks in-process.
REDIS_URL = _problems.read(backing.redis_url, production=PRODUCTION)  # None: malformed, already reported
CACHES = _problems.read(backing.cache, REDIS_URL or "", fallback=backing.CACHE_FALLBACK)
TWOSTEP_TASKS_ASYNC = _problems.read(env_bool, "TWOSTEP_TASKS_ASYNC", bool(REDIS_URL), fallback=False)
if TWOSTEP_TASKS_ASYNC and REDIS_URL == "":
    _problems.add("TWOSTEP_TASKS_ASYNC is on but REDIS_URL is not set (the queue lives in Redis)")
TWOSTEP_TASK_QUEUE = _problems.read(backing.task_queue, CACHES["default"]["KEY_PREFIX"],
                                    fallback="twostep")  # `twostep rqworker` works it
RQ_QUEUES = {TWOSTEP_TASK_QUEUE: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
RQ = {"COMMIT_MODE": "on_db_commit"}  # a job is queued only once the rows it reads are committed
RQ_SHOW_ADMIN_LINK = False

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["twostep.accounts.hashing.Argon2idPasswordHasher"]  # TWOSTEP_ARGON2_* parameters
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "twostep.accounts.validators.MaximumLengthValidator"},  # what the sign-in form accepts
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # The product's and issuer's names, the address's parts, the user's organizations. Any composition is allowed
    # (no digit or symbol rules, and all-digit passwords too: ASVS 6.2.5).
    {"NAME": "twostep.accounts.validators.ContextWordsValidator"},
]
LOGIN_URL = "mfa:signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "mfa:signin"
PASSWORD_RESET_TIMEOUT = 60 * 60  # seconds a password-reset link works (once)

SESSION_ENGINE = "twostep.accounts.session_store"  # the database store, in step with accounts.UserSession
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "twostep.views.csrf_failure"  # a page in the site's style, not Django's stock 403
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy that itself sends plain HTTP to HTTPS, TWOSTEP_SSL_REDIRECT=false turns
    # Django's redirect off; the deploy check that warns about that (security.W008) is then silenced,
    # because the operator has said where the redirect happens.
    SECURE_SSL_REDIRECT = _problems.read(env_bool, "TWOSTEP_SSL_REDIRECT", True, fallback=True)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict Content-Security-Policy: no inline script, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = _problems.read(env_time_zone, "TWOSTEP_TIME_ZONE", "UTC", fallback="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves collected, hashed files; the demo serves straight from the apps (no collectstatic).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_email = _problems.read(backing.email, production=PRODUCTION, data_dir=DATA_DIR, fallback=backing.EMAIL_FALLBACK)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = _email["DEFAULT_FROM_EMAIL"]

# One JSON object per line in production, plain text in the demo (TWOSTEP_LOG_FORMAT, TWOSTEP_LOG_LEVEL).
LOGGING = _problems.read(configured_logging, production=PRODUCTION, fallback={"version": 1})

# --- twostep settings (documented where they are read: the conf module of each app and twostep.conf) ---
TWOSTEP_ISSUER = _problems.read(tuning.issuer, fallback="twostep")
# TWOSTEP_MFA_REQUIRED_FOR (who must use MFA), TWOSTEP_TOTP_*, TWOSTEP_PENDING_*, TWOSTEP_THROTTLE_*,
# TWOSTEP_CODE_LOCK_AFTER, TWOSTEP_PASSWORD_*, TWOSTEP_RESET_MAIL*, TWOSTEP_SESSION_* and TWOSTEP_ARGON2_*: every name
# and range is in twostep/tuning.py.
globals().update(_problems.read(tuning.tuning, fallback=tuning.DEFAULTS))
# The cookie and the session row last as long as a session may (twostep.mfa.signin.session_limits ends it on time);
# each request renews them, so a session past its limits still shows the sign-in page why it ended.
SESSION_COOKIE_AGE = globals()["TWOSTEP_SESSION_MAX_AGE"]
TWOSTEP_SUPPORT_CONTACT = env("TWOSTEP_SUPPORT_CONTACT", "")  # shown on the code and locked pages, in notices
TWOSTEP_BASE_URL = _problems.read(backing.base_url, production=PRODUCTION, fallback="")  # links in e-mails
TWOSTEP_INVITATION_MAX_AGE = _problems.read(env_int, "TWOSTEP_INVITATION_MAX_AGE", 7 * 24 * 60 * 60, minimum=1)
# reverse proxies appending to X-Forwarded-For
TWOSTEP_PROXY_COUNT = _problems.read(env_int, "TWOSTEP_PROXY_COUNT", 0, maximum=10, fallback=0)
TWOSTEP_ENCRYPTION_KEYS = _problems.read(backing.encryption_keys, fallback=[])
TWOSTEP_METRICS_TOKEN = _problems.read(backing.metrics_token, fallback="")  # /metrics's bearer token when set
PROMETHEUS_MULTIPROC_DIR = _problems.read(backing.metrics_folder, fallback="")  # read by prometheus_client itself
_problems.raise_any()
