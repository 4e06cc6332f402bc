"""Sign-out ends every session of the user, on every device, and is audited."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_sign_out_on_one_device_signs_out_all_of_them(clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        clock.advance(30)
        post_password(browser, "member@acme.example")
        post_code(browser, code_for(user, clock.now))
        assert browser.get("/").status_code == 200
    stranger = make_user("nora@northwind.example")
    other = Client()
    post_password(other, "nora@northwind.example")

    response = laptop.post(reverse("mfa:signout"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    for browser in (laptop, phone):
        assert browser.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert other.get("/").status_code == 200  # another user's session is untouched
    event = AuditEvent.objects.get(action="signout")
    assert (event.actor_id, event.subject_id, event.detail) == (user.pk, user.pk, {"all_sessions": True})
    assert event.occurred_at == clock.moment  # audit times come from the injected clock too
    assert not AuditEvent.objects.filter(action="signout", subject_id=stranger.pk).exists()


def test_cancelling_a_pending_sign_in_records_no_sign_out(client, clock, make_user, enrolled):
    enrolled(make_user("member@acme.example"))
    post_password(client, "member@acme.example")
    client.post(reverse("mfa:signout"))
    assert not AuditEvent.objects.filter(action="signout").exists()
