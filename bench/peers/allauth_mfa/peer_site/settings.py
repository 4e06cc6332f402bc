"""The peer: a minimal Django project signing in with django-allauth and its MFA app (TOTP).

Configured like twostep in production where the two can be compared: PostgreSQL (``DATABASE_URL``),
Redis cache (``REDIS_URL``, ``PEER_KEY_PREFIX``), database sessions, Argon2 passwords (or the
benchmark's diagnostic hasher with ``PEER_FAST_HASHER=1``), persistent connections with health checks,
secure cookies behind a TLS-terminating proxy, codes accepted one time step either side. allauth's
rate limits keep their default shape but with limits a load test from one address cannot reach.
"""

import os

import dj_database_url

SECRET_KEY = os.environ["PEER_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "peer_site",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
ROOT_URLCONF = "peer_site.urls"
WSGI_APPLICATION = "peer_site.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600,
                                              conn_health_checks=True)}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": os.environ["PEER_KEY_PREFIX"]}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

PASSWORD_HASHERS = (["bench.hashers.DiagnosticSha256Hasher"] if os.environ.get("PEER_FAST_HASHER") == "1"
                    else ["django.contrib.auth.hashers.Argon2PasswordHasher"])
if os.environ.get("PEER_HASH_TIMES"):  # the hasher's CPU time per worker, as for twostep (bench.hash_timing)
    from bench import hash_timing

    hash_timing.install(PASSWORD_HASHERS[0], os.environ["PEER_HASH_TIMES"])
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_RATE_LIMITS = {"login": "1000000/m/ip", "login_failed": "1000000/m/ip,5/300s/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1  # like twostep: the current time step and one either side (allauth's default is 0)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_CONTENT_TYPE_NOSNIFF = True

USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
