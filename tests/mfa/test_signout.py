"""Sign-out ends this session, or every session of the user on every device, and is audited."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from twostep.accounts.models import UserSession
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def signed_in_twice(clock, user) -> tuple[Client, Client]:
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        clock.advance(30)
        post_password(browser, user.email)
        post_code(browser, code_for(user, clock.now))
        assert browser.get("/").status_code == 200
    return laptop, phone


def test_sign_out_everywhere_on_one_device_signs_out_all_of_them(clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    laptop, phone = signed_in_twice(clock, user)
    stranger = make_user("nora@northwind.example")
    other = Client()
    post_password(other, "nora@northwind.example")

    response = laptop.post(reverse("mfa:signout"), {"scope": "everywhere"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    for browser in (laptop, phone):
        assert browser.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert other.get("/").status_code == 200  # another user's session is untouched
    event = AuditEvent.objects.get(action="signout")
    assert (event.actor_id, event.subject_id, event.detail) == (user.pk, user.pk, {"all_sessions": True})
    assert event.occurred_at == clock.moment  # audit times come from the injected clock too
    assert not AuditEvent.objects.filter(action="signout", subject_id=stranger.pk).exists()
    assert not UserSession.objects.filter(user=user).exists()


def test_cancelling_a_pending_sign_in_records_no_sign_out(client, clock, make_user, enrolled):
    enrolled(make_user("member@acme.example"))
    post_password(client, "member@acme.example")
    client.post(reverse("mfa:signout"))
    assert not AuditEvent.objects.filter(action="signout").exists()


def test_sign_out_asks_where_and_picks_this_device_at_first(client, make_user):
    client.force_login(make_user("member@acme.example"))
    page = client.get(reverse("mfa:signout")).content.decode()
    assert '<input type="radio" name="scope" value="this" checked>' in page
    assert '<input type="radio" name="scope" value="everywhere">' in page
    assert "Only this device" in page and "Everywhere" in page


@pytest.mark.parametrize("form", [{}, {"scope": "this"}])
def test_sign_out_of_this_device_leaves_the_others_signed_in(clock, make_user, enrolled, form):
    user = make_user("member@acme.example")
    enrolled(user)
    laptop, phone = signed_in_twice(clock, user)
    response = laptop.post(reverse("mfa:signout"), form)
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    assert laptop.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert phone.get("/").status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1  # the laptop's row went with its session
    event = AuditEvent.objects.get(action="signout")
    assert (event.actor_id, event.subject_id, event.detail) == (user.pk, user.pk, {"all_sessions": False})
