"""Shared fixtures: an injected clock (no sleeping, no patching of time), users, organizations and
helpers that walk the sign-in journey with Django's test client."""

import re
from datetime import UTC, datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from twostep import otp
from twostep.accounts.models import User
from twostep.mfa.authenticators import vault
from twostep.mfa.models import Authenticator, FactorThrottle
from twostep.mfa.rollout.services import set_require_mfa
from twostep.organizations.models import Membership, Organization

PASSWORD = "correct horse battery staple"
# 2026-11-30 00:00:00 UTC, the start of a time step (divisible by 30).
EPOCH = 1_795_996_800


class Clock:
    """A settable clock in Unix seconds; installed as ``settings.TWOSTEP_CLOCK``."""

    def __init__(self, now: int):
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += seconds

    @property
    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.now, tz=UTC)


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """Argon2id at test cost (see tests/hashers.py); subprocess servers keep the real parameters."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def cheap_recovery_code_hashing(settings):
    """Recovery codes hashed with Argon2id at test cost; subprocess servers keep the real parameters."""
    settings.TWOSTEP_RECOVERY_CODE_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture
def clock(settings) -> Clock:
    clock = Clock(EPOCH + 5)
    settings.TWOSTEP_CLOCK = clock
    return clock


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "twostep",
                           "KEY_PREFIX": "twostep"}}


@pytest.fixture(autouse=True)
def _fresh_local_cache(settings):
    """In-process tests count throttling in this process's memory, emptied for each test, so that counters never
    leak from one test into the next (a transactional test's flush leaves the demo's cache table alone, and a
    shared Redis is never flushed). The demo's database cache and the real Redis have tests of their own
    (``throttle_cache`` in tests/mfa/test_password_throttling.py, tests/ops/test_demo_cache.py)."""
    settings.CACHES = LOCAL_CACHE
    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture(autouse=True)
def _no_held_tasks():
    """Delayed tasks held in-process (the demo's ``enqueue_in``) must not run in a later test."""
    from twostep import tasks

    tasks.forget_held()
    yield
    tasks.forget_held()


@pytest.fixture
def make_user(db):
    def make(email: str, *, password: str = PASSWORD, **fields) -> User:
        return User.objects.create_user(email, password, **fields)

    return make


@pytest.fixture
def make_org(db, clock):
    """An organization with members who join it at the test clock's now."""

    def make(name: str, *, slug: str | None = None, admins=(), members=()) -> Organization:
        organization = Organization.objects.create(name=name, slug=slug or name.lower().replace(" ", "-"))
        joined = clock.moment
        for user in admins:
            Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN,
                                      created_at=joined)
        for user in members:
            Membership.objects.create(user=user, organization=organization, role=Membership.Role.MEMBER,
                                      created_at=joined)
        return organization

    return make


@pytest.fixture
def require_mfa(clock):
    def switch_on(organization, *, actor=None):
        return set_require_mfa(organization, required=True, actor=actor, moment=clock.moment)

    return switch_on


def secret_of(user) -> bytes:
    """The user's confirmed authenticator secret, or the one being enrolled."""
    authenticator = Authenticator.objects.filter(user=user).order_by("-confirmed_at").first()
    return vault.unseal(authenticator.sealed_secret)


def code_for(user, now: int, *, offset_steps: int = 0) -> str:
    return otp.totp(secret_of(user), now=now + 30 * offset_steps)


def throttle_of(user) -> FactorThrottle:
    """The back-off shared by the user's second factors (a fresh, unsaved row when nothing was counted yet)."""
    return FactorThrottle.objects.filter(user=user).first() or FactorThrottle(user=user)


def set_throttle(user, **fields) -> FactorThrottle:
    """Put the user's shared back-off in a given state (``failures``, ``throttled_until``, ``locked_at``)."""
    return FactorThrottle.objects.update_or_create(user=user, defaults=fields)[0]


@pytest.fixture
def enrolled(clock):
    """Give ``user`` a confirmed authenticator (as if set up one minute ago)."""
    from twostep.mfa.authenticators import enrollment as enrollments

    def enroll(user):
        enrollments.start_enrollment(user, binding="fixture", now=clock.now - 60)
        enrollments.confirm_enrollment(user, code_for(user, clock.now - 60), binding="fixture", now=clock.now - 60)
        return Authenticator.objects.get(user=user, confirmed_at__isnull=False)

    return enroll


def post_password(client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("mfa:signin"), {"email": email, "password": password, **extra})


def post_code(client, code: str, *, url: str = "mfa:code"):
    return client.post(reverse(url), {"code": code})


MAILED_CODE = re.compile(r"^    (\d{3} \d{3})$", re.MULTILINE)


def mailed_code(message) -> str:
    """The setup code in a mailbox-proof e-mail (``twostep.mfa.mailbox``)."""
    return MAILED_CODE.search(message.body).group(1)


def prove_mailbox(client, url: str = "mfa:setup_mailbox", *, query: str = ""):
    """Walk the mailbox proof before a first QR code: open the page (which mails a code), type the code."""
    from django.core import mail

    client.get(reverse(url) + query)
    return client.post(reverse(url) + query, {"action": "code", "code": mailed_code(mail.outbox[-1])})
