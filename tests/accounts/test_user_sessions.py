"""The record of each user's signed-in sessions: written at sign-in, following the key, gone at sign-out and when
sessions are ended, last seen at most once a minute; a signed-in session whose row is gone is signed out."""

import hashlib

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, post_password
from twostep.accounts import sessions, user_sessions
from twostep.accounts.models import UserSession
from twostep.clock import as_datetime

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def signed_in(email: str, *, agent: str = FIREFOX, address: str = "203.0.113.7") -> Client:
    browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    assert post_password(browser, email)["Location"] == "/"
    return browser


def key_of(browser: Client) -> str:
    return browser.cookies["sessionid"].value


def test_a_sign_in_records_the_keys_digest_times_address_and_browser(clock, make_user):
    nora = make_user("nora@northwind.example")
    browser = signed_in(nora.email)
    row = UserSession.objects.get()
    assert (row.user, row.key_digest, row.signed_in_at, row.last_seen_at, row.ip_address, row.browser) == (
        nora, sha256(key_of(browser)), clock.moment, clock.moment, "203.0.113.7", "Firefox on Linux")
    assert not UserSession.objects.filter(key_digest=key_of(browser)).exists()  # never the key itself


def test_last_seen_is_written_at_most_once_a_minute(clock, make_user):
    browser = signed_in(make_user("nora@northwind.example").email)
    signed_in_at = clock.now
    clock.advance(59)
    assert browser.get("/").status_code == 200
    assert UserSession.objects.get().last_seen_at == as_datetime(signed_in_at)
    clock.advance(1)
    browser.get("/")
    assert UserSession.objects.get().last_seen_at == as_datetime(signed_in_at + 60)
    clock.advance(30)
    browser.get("/")
    assert UserSession.objects.get().last_seen_at == as_datetime(signed_in_at + 60)


def test_the_row_follows_the_key_through_a_step_up(clock, make_user):
    nora = make_user("nora@northwind.example")
    browser = signed_in(nora.email)
    old = key_of(browser)
    assert browser.post(reverse("mfa:stepup"), {"password": PASSWORD})["Location"] == "/"
    assert key_of(browser) != old
    assert list(UserSession.objects.values_list("key_digest", "signed_in_at")) == [
        (sha256(key_of(browser)), clock.moment)]
    assert browser.get("/").status_code == 200


def test_sign_out_deletes_the_row_of_that_session_only(clock, make_user):
    nora = make_user("nora@northwind.example")
    laptop, phone = signed_in(nora.email), signed_in(nora.email)
    laptop.post(reverse("mfa:signout"))
    assert list(UserSession.objects.values_list("key_digest", flat=True)) == [sha256(key_of(phone))]


def test_ending_all_sessions_of_a_user_deletes_that_users_rows_only(clock, make_user):
    nora, bob = make_user("nora@northwind.example"), make_user("bob@northwind.example")
    signed_in(nora.email), signed_in(nora.email)
    bobs = signed_in(bob.email)
    sessions.end_all_sessions(nora)
    assert list(UserSession.objects.values_list("key_digest", flat=True)) == [sha256(key_of(bobs))]


def test_a_signed_in_session_whose_row_is_gone_is_signed_out_at_its_next_request(clock, make_user):
    nora = make_user("nora@northwind.example")
    laptop, phone = signed_in(nora.email), signed_in(nora.email)
    UserSession.objects.filter(key_digest=sha256(key_of(phone))).delete()
    response = phone.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:signin"))
    assert laptop.get("/").status_code == 200


def test_live_hides_sessions_past_the_idle_timeout_or_the_absolute_lifetime(clock, make_user, settings):
    nora = make_user("nora@northwind.example")
    signed_in(nora.email)

    def live_count(**limits) -> int:
        return user_sessions.live(nora, now=clock.now, **limits).count()

    clock.advance(1800 + 60)
    assert live_count(idle_timeout=1800, max_age=43200) == 1  # last seen may lag a minute behind
    clock.advance(1)
    assert live_count(idle_timeout=1800, max_age=43200) == 0
    assert live_count(idle_timeout=43200, max_age=1861) == 1
    assert live_count(idle_timeout=43200, max_age=1860) == 0


def test_clearsessions_deletes_the_rows_of_sessions_past_their_lifetime(clock, make_user, settings):
    nora = make_user("nora@northwind.example")
    signed_in(nora.email)
    clock.advance(settings.SESSION_COOKIE_AGE)
    call_command("clearsessions")
    assert UserSession.objects.count() == 1
    clock.advance(1)
    call_command("clearsessions")
    assert UserSession.objects.count() == 0
