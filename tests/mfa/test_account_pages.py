"""Change e-mail and change password: behind step-up, audited, and a password change shuts out other
sessions."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def new_password(password: str = NEW_PASSWORD, *, current: str = PASSWORD) -> dict:
    return {"current_password": current, "new_password1": password, "new_password2": password}


@pytest.fixture
def member(client, clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    post_password(client, "member@acme.example")
    post_code(client, code_for(user, clock.now))
    return user


def step_up(client, user, clock):
    clock.advance(30)  # a fresh time step: the sign-in code may not be used twice
    response = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(user, clock.now),
                                                   "next": "/"})
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["mfa:change_email", "mfa:change_password"])
def test_pages_need_a_step_up_of_the_last_ten_minutes(client, clock, member, name):
    url = reverse(name)
    clock.advance(601)  # the step-up of the sign-in itself has expired
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/stepup/?next={url.replace('/', '%2F')}"
    step_up(client, member, clock)
    assert client.get(url).status_code == 200
    clock.advance(601)
    assert client.get(url)["Location"].startswith("/stepup/")
    assert client.post(url, {"email": "new@acme.example", "current_password": PASSWORD,
                             "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
                       )["Location"].startswith("/stepup/")
    member.refresh_from_db()
    assert member.email == "member@acme.example" and member.check_password(PASSWORD)


def test_change_email_is_audited_and_tells_the_old_address(client, clock, member, mailoutbox):
    step_up(client, member, clock)
    response = client.post(reverse("mfa:change_email"), {"email": "  Max@Acme.EXAMPLE "})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert User.objects.get(pk=member.pk).email == "max@acme.example"
    event = AuditEvent.objects.get(action="account.email_changed")
    assert (event.actor_id, event.subject_id, event.detail) == (
        member.pk, member.pk, {"old_email": "member@acme.example", "new_email": "max@acme.example"})
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["member@acme.example"], "Your twostep e-mail address was changed")]
    assert "from member@acme.example to max@acme.example" in mailoutbox[0].body
    client.post(reverse("mfa:signout"))
    assert post_password(client, "max@acme.example")["Location"] == reverse("mfa:code")


def test_change_email_refuses_an_address_in_use_whatever_its_case(client, clock, member, make_user, mailoutbox):
    make_user("taken@acme.example")
    step_up(client, member, clock)
    response = client.post(reverse("mfa:change_email"), {"email": "TAKEN@acme.example"})
    assert response.status_code == 400 and response.context["form"].has_error("email", "email_taken")
    same = client.post(reverse("mfa:change_email"), {"email": "Member@acme.example"})
    assert same.status_code == 400 and same.context["form"].has_error("email", "email_unchanged")
    assert User.objects.get(pk=member.pk).email == "member@acme.example"
    assert not AuditEvent.objects.filter(action="account.email_changed").exists() and mailoutbox == []


def test_change_password_keeps_this_session_and_ends_the_others(client, clock, member):
    phone = Client()
    post_password(phone, "member@acme.example")
    clock.advance(30)
    post_code(phone, code_for(member, clock.now))
    assert phone.get("/").status_code == 200
    step_up(client, member, clock)
    response = client.post(reverse("mfa:change_password"), new_password())
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert User.objects.get(pk=member.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_changed", subject_id=member.pk).count() == 1


def test_change_password_rerenders_weak_or_mismatched_passwords(client, clock, member):
    step_up(client, member, clock)
    response = client.post(reverse("mfa:change_password"), new_password("password123"))
    assert response.status_code == 400 and response.context["form"].has_error("new_password2", "password_too_common")
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password_changed").exists()


def test_change_password_asks_for_the_current_password_even_right_after_a_code(client, clock, member):
    url = reverse("mfa:change_password")
    page = client.get(url)  # the sign-in's code is a fresh step-up: the page opens, the form still asks
    assert page.status_code == 200
    assert 'name="current_password"' in page.content.decode() and "Current password" in page.content.decode()
    missing = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert missing.status_code == 400 and missing.context["form"].has_error("current_password", "required")
    wrong = client.post(url, new_password(current="not my password"))
    assert wrong.status_code == 400 and wrong.context["form"].has_error("current_password", "invalid_password")
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)
    assert list(AuditEvent.objects.filter(action="account.password_changed").values_list("outcome", "detail")) == [
        ("failure", {"reason": "invalid_password"})]
    assert client.post(url, new_password())["Location"] == reverse("home")
    assert User.objects.get(pk=member.pk).check_password(NEW_PASSWORD)


def test_wrong_current_passwords_wait_like_wrong_sign_in_passwords(client, clock, member):
    url = reverse("mfa:change_password")
    for _ in range(5):  # TWOSTEP_THROTTLE_FREE_FAILURES
        assert client.post(url, new_password(current="guess")).status_code == 400
    refused = client.post(url, new_password())  # even the right one is not checked during the wait
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert refused.context["form"].has_error("current_password", "throttled")
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)
    stepup_refused = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": "000000", "next": "/"})
    assert stepup_refused.status_code == 429  # one counter with the step-up's (and the sign-in's) password
    assert [e.detail for e in AuditEvent.objects.filter(action="account.password_changed").order_by("id")] == [
        *[{"reason": "invalid_password"}] * 5, {"reason": "throttled", "retry_after": 30}]
    clock.advance(30)
    assert client.post(url, new_password())["Location"] == reverse("home")


def test_home_page_links_to_the_account_pages(client, clock, member):
    page = client.get("/").content.decode()
    assert f'href="{reverse("mfa:change_email")}"' in page and f'href="{reverse("mfa:change_password")}"' in page
