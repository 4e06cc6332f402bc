"""Django settings for twostep, read from the environment.

Profiles (``TWOSTEP_PROFILE``):
- ``demo`` (default): SQLite in ``TWOSTEP_DATA_DIR`` (``./var``); the secret key and the encryption key
  are generated once and kept in that folder; e-mail is written to files there.
- ``production``: every secret comes from the environment and a missing one stops start-up with
  an error naming the variable; secure cookies and HSTS are on.
"""

from pathlib import Path

import dj_database_url

from twostep.config import data_dir, env, env_bool, env_list, kept_secret, profile

BASE_DIR = Path(__file__).resolve().parent
PROFILE = profile()
PRODUCTION = PROFILE == "production"
DATA_DIR = data_dir()

SECRET_KEY = kept_secret("TWOSTEP_SECRET_KEY", "secret_key", kind="django")
DEBUG = env_bool("TWOSTEP_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "twostep.mfa.apps.AdminSiteConfig",  # Django's admin, open only to staff who passed a code
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "twostep.audit",
    "twostep.accounts",
    "twostep.organizations",
    "twostep.mfa",
    "twostep.support",
    "twostep.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "twostep.mfa.enforcement.MfaEnforcementMiddleware",
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
                "twostep.mfa.context_processors.mfa_grace",
            ],
        },
    },
]

# SQLite (demo) in WAL mode with IMMEDIATE transactions so concurrent writers queue instead of failing.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'twostep.sqlite3'}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "twostep"}}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "mfa:signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "mfa:signin"
PASSWORD_RESET_TIMEOUT = 60 * 60  # seconds a password-reset link works (once)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
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
    SECURE_SSL_REDIRECT = env_bool("TWOSTEP_SSL_REDIRECT", True)
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
TIME_ZONE = env("TWOSTEP_TIME_ZONE", "UTC")
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

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "twostep <no-reply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("TWOSTEP_LOG_LEVEL", "INFO")},
}

# --- twostep settings (documented in twostep.mfa.conf and twostep.organizations.conf) ---
TWOSTEP_ISSUER = env("TWOSTEP_ISSUER", "twostep")
TWOSTEP_BASE_URL = env("TWOSTEP_BASE_URL", "http://127.0.0.1:8000")  # links in e-mails
TWOSTEP_INVITATION_MAX_AGE = int(env("TWOSTEP_INVITATION_MAX_AGE", str(7 * 24 * 60 * 60)))
TWOSTEP_ENCRYPTION_KEYS = env_list("TWOSTEP_ENCRYPTION_KEYS", []) or [
    kept_secret("TWOSTEP_ENCRYPTION_KEYS", "encryption.key", kind="fernet")
]
