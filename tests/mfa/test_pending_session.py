"""The session of a pending sign-in: a key chosen by someone else never carries it."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.conftest import code_for, post_code, post_password

pytestmark = pytest.mark.django_db


def test_a_made_up_session_key_is_replaced_at_the_password_step(client, clock, member, enrolled):
    enrolled(member)
    planted = "plantedbyanattacker0123456789abc"
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    post_password(client, "member@acme.example")
    pending_key = client.session.session_key
    assert pending_key not in (None, planted)
    assert list(Session.objects.values_list("session_key", flat=True)) == [pending_key]
    post_code(client, code_for(member, clock.now))
    assert client.session.session_key not in (planted, pending_key)
    assert Session.objects.count() == 1


def test_a_visitor_without_a_session_gets_one_stored_row_at_the_password_step(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example")
    stored = Session.objects.get()
    assert stored.session_key == client.session.session_key
    assert stored.get_decoded()["twostep_pending"]["user_id"] == member.pk
