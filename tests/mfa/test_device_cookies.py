"""Device cookies: a stranger's wrong passwords throttle unknown browsers only; the member's browser, which
completed a sign-in before, signs in at once. A known browser's own wrong passwords count against its cookie,
which is distrusted after 10 of them."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code
from tests.signin_helpers import force_sign_in
from twostep.accounts import device_cookies
from twostep.audit.models import AuditEvent
from twostep.mfa.stepup import services as stepup

pytestmark = pytest.mark.django_db

EMAIL = "member@acme.example"
WRONG = "not the password at all"
YEAR = 365 * 86400
NAME = device_cookies.cookie_name(EMAIL)


def attempt(browser, password=WRONG, *, email=EMAIL, ip="198.51.100.7"):
    return browser.post(reverse("mfa:signin"), {"email": email, "password": password}, REMOTE_ADDR=ip)


def sign_in(browser, user, clock) -> None:
    """The whole sign-in (password, then a code of a new time step), then sign out: the browser is known."""
    password_step = attempt(browser, PASSWORD, email=user.email)
    assert (password_step.status_code, password_step["Location"]) == (302, reverse("mfa:code"))
    done = post_code(browser, code_for(user, clock.now))
    assert (done.status_code, done["Location"]) == (302, reverse("home"))
    browser.post(reverse("mfa:signout"))
    clock.advance(60)


def stranger_guesses(times: int = 5, *, email=EMAIL) -> Client:
    """A fresh browser of a stranger sends ``times`` wrong passwords (a botnet: each from another address)."""
    stranger = Client()
    statuses = [attempt(stranger, email=email, ip=f"203.0.113.{n + 1}").status_code for n in range(times)]
    assert statuses == [400] * times
    return stranger


@pytest.fixture
def member(member, enrolled):
    enrolled(member)
    return member


def test_the_members_known_browser_signs_in_at_once_while_the_stranger_stays_throttled(clock, member):
    laptop = Client()
    assert attempt(laptop, PASSWORD)["Location"] == reverse("mfa:code")
    assert NAME not in laptop.cookies  # the password step alone earns no device cookie
    assert post_code(laptop, code_for(member, clock.now))["Location"] == reverse("home")
    issued = laptop.cookies[NAME]
    assert (issued["httponly"], issued["samesite"], issued["max-age"], issued["path"], issued["secure"]) == (
        True, "Lax", YEAR, "/", "")  # Secure in production (SESSION_COOKIE_SECURE)
    laptop.post(reverse("mfa:signout"))
    clock.advance(60)

    stranger = stranger_guesses(5)
    refused = attempt(stranger, PASSWORD, ip="203.0.113.99")
    assert (refused.status_code, refused["Retry-After"]) == (429, "30")
    assert refused.context["form"].has_error("__all__", "throttled")

    password_step = attempt(laptop, PASSWORD)
    assert (password_step.status_code, password_step["Location"]) == (302, reverse("mfa:code"))
    done = post_code(laptop, code_for(member, clock.now))
    assert (done.status_code, done["Location"]) == (302, reverse("home"))
    assert laptop.session["_auth_user_id"] == str(member.pk)
    assert laptop.cookies[NAME].value != issued.value  # each completed sign-in gives a fresh cookie

    still = attempt(stranger, PASSWORD, ip="203.0.113.99")  # the member's sign-in gave the stranger nothing
    assert (still.status_code, still["Retry-After"]) == (429, "30")
    assert list(AuditEvent.objects.filter(action__startswith="signin.").order_by("id").values_list("action")) == [
        ("signin.succeeded",), *[("signin.failed",)] * 5, ("signin.throttled",), ("signin.succeeded",),
        ("signin.throttled",)]


def test_a_sign_in_without_mfa_also_makes_the_browser_known(client, clock, make_user):
    make_user("nora@northwind.example")
    done = attempt(client, PASSWORD, email="nora@northwind.example")
    assert (done.status_code, done["Location"]) == (302, reverse("home"))
    assert device_cookies.cookie_name("nora@northwind.example") in client.cookies


def test_the_cookie_carries_no_address_and_is_secure_where_the_session_cookie_is(client, clock, member, settings):
    settings.SESSION_COOKIE_SECURE = True
    attempt(client, PASSWORD)
    post_code(client, code_for(member, clock.now))
    cookie = client.cookies[NAME]
    assert cookie["secure"] is True
    payload = signing.Signer(salt=device_cookies.SALT).unsign_object(cookie.value)
    assert sorted(payload) == ["a", "n", "t"] and payload["t"] == clock.now and len(payload["n"]) == 22
    readable = signing.b64_decode(cookie.value.split(":")[0].encode()).decode()
    assert not re.search("member|acme", readable + NAME, re.IGNORECASE)


def signed_elsewhere(payload: dict) -> str:
    """``payload`` signed with a key that is not the site's (what a forger can do)."""
    return signing.Signer(key="not the site's secret key " * 2, salt=device_cookies.SALT).sign_object(payload)


@pytest.mark.parametrize("kind", ["forged", "tampered", "another account's", "expired"])
def test_a_forged_tampered_or_foreign_cookie_is_ignored(clock, member, make_user, kind):
    ann = make_user("ann@acme.example")
    valid = device_cookies.make_value(EMAIL, now=clock.now)
    payload = signing.Signer(salt=device_cookies.SALT).unsign_object(valid)
    fresh_nonce = {**payload, "n": "a fresh nonce, no failures"}
    value = {"forged": signed_elsewhere(fresh_nonce),
             "tampered": signed_elsewhere(fresh_nonce).split(":")[0] + ":" + valid.split(":")[1],
             "another account's": device_cookies.make_value(ann.email, now=clock.now),
             "expired": device_cookies.make_value(EMAIL, now=clock.now - YEAR - 1)}[kind]
    stranger_guesses(5)
    holder = Client()
    holder.cookies[NAME] = value
    refused = attempt(holder, PASSWORD)
    assert (refused.status_code, refused["Retry-After"]) == (429, "30")
    assert "known_device" not in AuditEvent.objects.get(action="signin.throttled").detail


@pytest.mark.parametrize("issued_ago", [0, YEAR])
def test_a_valid_cookie_up_to_a_year_old_is_honoured(clock, member, issued_ago):
    stranger_guesses(5)
    holder = Client()
    holder.cookies[NAME] = device_cookies.make_value(EMAIL, now=clock.now - issued_ago)
    password_step = attempt(holder, PASSWORD)
    assert (password_step.status_code, password_step["Location"]) == (302, reverse("mfa:code"))


@pytest.mark.parametrize("fallback, status", [(True, 302), (False, 429)])
def test_a_key_rotation_keeps_browsers_known_while_the_old_key_is_a_fallback(clock, member, settings,
                                                                             fallback, status):
    laptop = Client()
    sign_in(laptop, member, clock)
    old_key, settings.SECRET_KEY = settings.SECRET_KEY, "the new secret key of this site " * 2
    settings.SECRET_KEY_FALLBACKS = [old_key] if fallback else []
    stranger_guesses(5)
    assert attempt(laptop, PASSWORD).status_code == status


def test_a_browser_known_to_another_account_is_unknown_to_this_one(clock, member, make_user):
    ann = make_user("ann@acme.example")
    shared = Client()
    done = attempt(shared, PASSWORD, email=ann.email)
    assert done["Location"] == reverse("home") and device_cookies.cookie_name(ann.email) in shared.cookies
    shared.post(reverse("mfa:signout"))
    shared.cookies[NAME] = shared.cookies[device_cookies.cookie_name(ann.email)].value  # ann's, renamed
    stranger_guesses(5)
    assert attempt(shared, PASSWORD).status_code == 429
    assert attempt(shared, PASSWORD, email=ann.email)["Location"] == reverse("home")  # still known to ann


def test_a_known_browsers_wrong_passwords_count_against_its_cookie_which_is_distrusted_after_ten(clock, member):
    laptop = Client()
    sign_in(laptop, member, clock)
    stranger = stranger_guesses(5)  # unknown browsers now wait 30 s; the laptop does not
    assert [attempt(laptop).status_code for _ in range(5)] == [400] * 5
    own = attempt(laptop)
    assert (own.status_code, own["Retry-After"]) == (429, "30")  # its own counter: the same back-off
    for wait in (30, 60, 120, 240):
        clock.advance(wait)
        assert attempt(laptop).status_code == 400  # failures 6 to 9
    clock.advance(480)
    assert attempt(stranger, ip="203.0.113.50").status_code == 400  # the stranger's 6th: unknown ones wait 60 s
    assert attempt(laptop).status_code == 400  # the 10th is still checked: known up to here
    distrusted = attempt(laptop, PASSWORD)  # now it counts as an unknown browser
    assert (distrusted.status_code, distrusted["Retry-After"]) == (429, "60")
    assert AuditEvent.objects.filter(action="signin.failed", detail__known_device=True).count() == 10

    clock.advance(60)
    assert attempt(laptop, PASSWORD)["Location"] == reverse("mfa:code")  # as any unknown browser may
    assert post_code(laptop, code_for(member, clock.now))["Location"] == reverse("home")
    laptop.post(reverse("mfa:signout"))
    stranger_guesses(5)
    assert attempt(laptop, PASSWORD)["Location"] == reverse("mfa:code")  # known again, with a fresh cookie


def reset_password(browser, mailoutbox, capture, password: str) -> None:
    browser.post(reverse("accounts:password_reset"), {"email": EMAIL}, REMOTE_ADDR="192.0.2.8")
    link = re.search(r"https?://[^/\s]+(/account/password-reset/[^/\s]+/[^/\s]+/)", mailoutbox[-1].body).group(1)
    form_url = browser.get(link)["Location"]
    with capture(execute=True):
        done = browser.post(form_url, {"new_password1": password, "new_password2": password})
    assert (done.status_code, done["Location"]) == (302, reverse("mfa:signin"))


def test_a_password_reset_lifts_the_wait_of_unknown_browsers(clock, member, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    stranger_guesses(5)
    new_phone = Client()
    assert attempt(new_phone, PASSWORD, ip="192.0.2.8").status_code == 429
    reset_password(new_phone, mailoutbox, django_capture_on_commit_callbacks, "a brand new passphrase 42")
    after = attempt(new_phone, "a brand new passphrase 42", ip="192.0.2.8")
    assert (after.status_code, after["Location"]) == (302, reverse("mfa:code"))


def test_the_step_up_of_a_known_browser_is_not_held_up_by_a_stranger(clock, member):
    laptop, unknown = Client(), Client()
    attempt(laptop, PASSWORD)
    assert post_code(laptop, code_for(member, clock.now))["Location"] == reverse("home")
    force_sign_in(unknown, member, verified_at=clock.now)
    clock.advance(stepup.max_age() + 30)
    stranger_guesses(5)
    form = {"password": PASSWORD, "code": code_for(member, clock.now), "next": "/"}
    assert unknown.post(reverse("mfa:stepup"), form).status_code == 429
    ok = laptop.post(reverse("mfa:stepup"), form)
    assert (ok.status_code, ok["Location"]) == (302, "/")
