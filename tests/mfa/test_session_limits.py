"""A signed-in session ends 30 minutes after its last request and 12 hours after its sign-in, whatever it does,
and the sign-in page says which; the times come from the session itself and the injected clock."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from tests.signin_helpers import force_sign_in
from twostep.mfa.signin import session_limits

pytestmark = pytest.mark.django_db

IDLE = "For your security, you were signed out after 30 minutes without activity; sign in again."
TOO_OLD = "For your security, you were signed out after 12 hours; sign in again."


@pytest.fixture
def nora(client, clock, make_user):
    """Signed in with the password alone (no MFA applies) at ``clock.now``."""
    user = make_user("nora@northwind.example")
    assert post_password(client, "nora@northwind.example")["Location"] == reverse("home")
    return user


def signed_out_with(client, response, message: str, *, next_path: str = "/") -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa:signin')}?next={next_path.replace('/', '%2F')}"
    page = client.get(response["Location"])
    assert page.status_code == 200 and message in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_thirty_minutes_without_a_request_end_the_session(client, clock, nora):
    key = client.session.session_key
    clock.advance(1800)
    assert client.get("/").status_code == 200  # exactly 30 minutes: still signed in, and the idle time restarts
    clock.advance(1800)
    assert client.get("/").status_code == 200
    clock.advance(1801)
    signed_out_with(client, client.get("/security/"), IDLE, next_path="/security/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302  # and it stays signed out


def test_twelve_hours_after_the_sign_in_end_even_a_busy_session(client, clock, nora):
    busy(client, clock, 43200)
    assert clock.now - client.session[session_limits.SIGNED_IN_AT] == 43200  # exactly 12 hours: still signed in
    clock.advance(1)
    signed_out_with(client, client.get("/"), TOO_OLD)


def busy(client, clock, seconds: int) -> None:
    """A request every 20 minutes for ``seconds``."""
    for _ in range(seconds // 1200):
        clock.advance(1200)
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("busy_for, last_request, message", [(42000, 42000 + 1140, TOO_OLD), (39600, 39600, IDLE)])
def test_past_both_limits_the_one_reached_first_is_the_reason(client, clock, nora, busy_for, last_request, message):
    busy(client, clock, busy_for)
    clock.advance(last_request - busy_for)
    assert client.get("/").status_code == 200
    clock.advance(2 * 3600)  # past both now: 12 hours came first after 11:59, the idle 30 minutes after 11:00
    signed_out_with(client, client.get("/"), message)


def test_the_sign_in_with_a_code_starts_both_clocks(clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    browser = Client()
    post_password(browser, "member@acme.example")
    clock.advance(240)  # the pending sign-in's minutes do not count
    assert post_code(browser, code_for(user, clock.now))["Location"] == reverse("home")
    assert browser.session[session_limits.SIGNED_IN_AT] == clock.now
    clock.advance(1801)
    signed_out_with(browser, browser.get("/"), IDLE)


def test_a_timeout_ends_only_that_session(client, clock, nora):
    phone = Client()
    clock.advance(1000)
    post_password(phone, "nora@northwind.example")
    clock.advance(801)
    assert client.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert phone.get("/").status_code == 200


def test_a_form_sent_after_the_timeout_changes_nothing(client, clock, nora):
    force_sign_in(client, nora, stepped_up_at=clock.now)
    clock.advance(1801)
    response = client.post(reverse("mfa:change_password"), {
        "current_password": PASSWORD, "new_password1": "a brand new passphrase 42",
        "new_password2": "a brand new passphrase 42"})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa:signin"))
    nora.refresh_from_db()
    assert nora.check_password(PASSWORD)
    assert IDLE in client.get(reverse("mfa:signin")).content.decode()


def test_the_limits_follow_the_settings(client, clock, nora, settings):
    settings.TWOSTEP_SESSION_IDLE_TIMEOUT = 600
    clock.advance(601)
    signed_out_with(client, client.get("/"), "signed out after 10 minutes without activity; sign in again.")
    settings.TWOSTEP_SESSION_IDLE_TIMEOUT, settings.TWOSTEP_SESSION_MAX_AGE = 3600, 5400
    post_password(client, "nora@northwind.example")
    busy(client, clock, 4800)
    clock.advance(600)
    assert client.get("/").status_code == 200  # exactly 90 minutes: still signed in
    clock.advance(1)
    signed_out_with(client, client.get("/"), "signed out after 90 minutes; sign in again.")


def test_a_session_from_before_the_limits_is_counted_from_its_next_request(client, clock, nora):
    session = client.session
    del session[session_limits.SIGNED_IN_AT], session[session_limits.SEEN_AT]
    session.save()
    clock.advance(7 * 86400)
    assert client.get("/").status_code == 200
    assert (client.session[session_limits.SIGNED_IN_AT], client.session[session_limits.SEEN_AT]) == (
        clock.now, clock.now)
    clock.advance(1801)
    signed_out_with(client, client.get("/"), IDLE)


def test_the_this_wasnt_me_pages_answer_as_they_are_and_the_next_page_signs_out(client, clock, nora):
    clock.advance(1801)
    link = client.get(reverse("mfa:disown_open", args=["a-token"]))
    assert (link.status_code, link["Location"]) == (302, reverse("mfa:disown"))  # the token is kept
    assert client.get(reverse("mfa:disown")).status_code == 400  # a tampered link, said as such
    signed_out_with(client, client.get("/"), IDLE)


@pytest.mark.parametrize("seconds, words", [(1800, "30 minutes"), (43200, "12 hours"), (3600, "1 hour"),
                                            (60, "1 minute"), (5400, "90 minutes"), (90, "90 seconds")])
def test_limits_are_described_in_the_largest_whole_unit(seconds, words):
    assert session_limits.describe_duration(seconds) == words


def test_a_script_name_header_does_not_exempt_a_page(client, clock, nora):
    clock.advance(1801)
    response = client.get("/", SCRIPT_NAME="/mfa/not-me/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
