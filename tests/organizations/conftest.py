"""Fixtures of the organization-admin tests: Acme with an admin (who uses MFA, as every admin must under the
default ``TWOSTEP_MFA_REQUIRED_FOR=admins``) and a member, signed-in clients."""

import re
import socket

import pytest
from django.conf import settings
from django.core import mail

from tests.conftest import code_for, post_code, post_password
from tests.signin_helpers import enroll_with_codes
from twostep.organizations.invitations import invite_member


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"


@pytest.fixture
def acme(clock, make_user, make_org):
    admin = make_user("admin@acme.example", name="Ada Admin")
    enroll_with_codes(admin, now=clock.now - 3600)
    member = make_user("member@acme.example")
    return make_org("Acme Calibration", slug="acme", admins=[admin], members=[member])


def sign_in(client, user, clock=None):
    """Sign ``user`` in, with a code (at ``clock``'s time, else the test clock's) when one is asked."""
    response = post_password(client, user.email)
    if response["Location"].endswith("/signin/code/"):
        now = clock.now if clock is not None else settings.TWOSTEP_CLOCK()
        post_code(client, code_for(user, now))
    assert client.session.get("_auth_user_id") == str(user.pk), f"{user} could not sign in"
    return client


def link_path(message) -> str:
    """The invitation link's path from a mail, checked to sit behind TWOSTEP_BASE_URL."""
    return re.search(r"https://portal\.example(/invitations/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def invited(acme, clock):
    """An invitation of new@acme.example as member, sent now; returns (invitation, link path)."""

    def make(email="new@acme.example", role="member"):
        admin = acme.memberships.get(role="admin").user
        invitation = invite_member(acme, email=email, role=role, actor=admin, now=clock.now)
        return invitation, link_path(mail.outbox[-1])

    return make


@pytest.fixture
def refusing_port():
    """A loopback port that refuses connections: bound by this test, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
