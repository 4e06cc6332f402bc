"""The "MFA was set up" notice: every confirmed authenticator (first, replacement, voluntary) is e-mailed to the
user after the commit, with when, from where, which browser, and a single-use *This wasn't me* link."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password, prove_mailbox
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep import otp
from twostep.accounts.browsers import UNKNOWN, browser_name
from twostep.accounts.notices import when
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import vault
from twostep.mfa.disown import links as disown_links
from twostep.mfa.models import Authenticator, DisownLink

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36")
SUBJECT = "Multi-factor authentication was set up on your account"
LINK = re.compile(r"This wasn't me: (http://testserver(/mfa/not-me/[^/\s]+/))\n")


@pytest.fixture(autouse=True)
def site(settings):
    settings.TWOSTEP_BASE_URL = "http://testserver"
    settings.TIME_ZONE = "Europe/Berlin"


def only_notice(outbox, address: str) -> str:
    assert [(m.to, m.subject) for m in outbox] == [([address], SUBJECT)]
    return outbox[0].body


def token_of(url_path: str) -> str:
    return signing.Signer(salt=disown_links.SALT).unsign(url_path.strip("/").split("/")[-1])


def test_the_first_setup_at_sign_in_sends_the_notice_with_its_link(clock, member, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    browser = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=CHROME_WINDOWS)
    post_password(browser, "member@acme.example")
    prove_mailbox(browser)
    mailoutbox.clear()  # the setup code's mail
    browser.get(reverse("mfa:setup"))
    with django_capture_on_commit_callbacks(execute=True):
        done = post_code(browser, code_for(member, clock.now), url="mfa:setup_confirm")
    assert done.status_code == 200
    body = only_notice(mailoutbox, "member@acme.example")
    assert body.startswith("Hello,\n\nan authenticator app was set up for multi-factor authentication on your "
                           "twostep account\n(member@acme.example). From now on, signing in asks for a code from it.\n")
    assert ("When: 30 November 2026 at 00:00 UTC (01:00 Europe/Berlin)\nFrom: IP address 203.0.113.7\n"
            "Browser: Chrome on Windows\n") in body
    assert "It replaced" not in body and "(it works once, within 7 days)" in body
    url, path = LINK.search(body).groups()
    authenticator = Authenticator.objects.get(user=member)
    link = DisownLink.objects.get()
    assert (link.user, link.authenticator, link.ip, link.browser) == (member, authenticator, IP, "Chrome on Windows")
    assert link.set_up_at == clock.moment and link.expires_at == clock.moment + timedelta(days=7)
    assert link.used_at is None
    # Only the token's SHA-256 is stored; neither the token nor the signed link is in any column.
    token = token_of(path)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = str(list(DisownLink.objects.values()))
    assert token not in stored and path.strip("/").split("/")[-1] not in stored


def test_a_replacement_says_it_replaced_the_previous_app(clock, rf, member, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enroll_with_codes(member, now=clock.now - 60)
    first_link = DisownLink.objects.get()
    assert "It replaced" not in only_notice(mailoutbox, "member@acme.example")
    mailoutbox.clear()
    enrollments.start_enrollment(member, binding="fixture", now=clock.now)
    pending = Authenticator.objects.get(user=member, confirmed_at__isnull=True)
    code = otp.totp(vault.unseal(pending.sealed_secret), now=clock.now)
    request = rf.post("/", REMOTE_ADDR=IP, HTTP_USER_AGENT=CHROME_WINDOWS)
    with django_capture_on_commit_callbacks(execute=True):
        new = enrollments.confirm_enrollment(member, code, binding="fixture", now=clock.now, request=request)
    body = only_notice(mailoutbox, "member@acme.example")
    assert ("It replaced your previous authenticator app, which no longer works, and new recovery codes replaced\n"
            "the old ones.\n") in body
    assert "When: 30 November 2026 at 00:00 UTC (01:00 Europe/Berlin)\nFrom: IP address 203.0.113.7\n" in body
    assert code not in body and not any(c in body for c in new.recovery_codes)
    # The first notice's link no longer points at an authenticator: that one was replaced.
    first_link.refresh_from_db()
    assert first_link.authenticator is None
    assert DisownLink.objects.exclude(pk=first_link.pk).get().authenticator == new


def test_a_voluntary_setup_sends_the_notice(client, clock, make_user, mailoutbox,
                                            django_capture_on_commit_callbacks):
    user = make_user("nora@northwind.example", name="Nora North")
    force_sign_in(client, user)
    client.post(reverse("mfa:stepup"), {"password": PASSWORD, "next": "/mfa/setup/"})
    prove_mailbox(client, "mfa:enroll_mailbox")
    mailoutbox.clear()  # the setup code's mail
    page = client.get(reverse("mfa:enroll")).content.decode()
    secret = otp.b32decode(re.search(r'id="setup-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", ""))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa:enroll_confirm"), {"code": otp.totp(secret, now=clock.now)},
                           REMOTE_ADDR=IP)
    assert done.status_code == 200
    body = only_notice(mailoutbox, "nora@northwind.example")
    assert body.startswith("Hello Nora North,\n") and "From: IP address 203.0.113.7\n" in body
    assert "Browser:" not in body  # the test client sends no User-Agent
    assert LINK.search(body) and DisownLink.objects.get().user == user


def test_a_wrong_code_sends_nothing_and_stores_no_link(clock, member, mailoutbox, django_capture_on_commit_callbacks):
    enrollments.start_enrollment(member, binding="fixture", now=clock.now)
    right = code_for(member, clock.now)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(enrollments.InvalidCodeError):
        enrollments.confirm_enrollment(member, "000000" if right != "000000" else "111111", binding="fixture",
                                       now=clock.now)
    assert mailoutbox == [] and not DisownLink.objects.exists()


@pytest.mark.parametrize(("zone", "expected"), [
    ("UTC", "30 November 2026 at 00:00 UTC"),
    ("Europe/Berlin", "30 November 2026 at 00:00 UTC (01:00 Europe/Berlin)"),
    ("America/New_York", "30 November 2026 at 00:00 UTC (29 November 2026 at 19:00 America/New_York)"),
])
def test_notices_give_the_time_in_utc_and_in_the_sites_time_zone(settings, zone, expected):
    settings.TIME_ZONE = zone
    assert when(1_795_996_800) == expected


@pytest.mark.parametrize(("user_agent", "expected"), [
    (CHROME_WINDOWS, "Chrome on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1", "Mobile Safari on iOS"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox on Linux"),
    ("curl/8.4.0", "curl"),
    ("Evil.example/1.0 (Windows NT 10.0)", "a browser on Windows"),
    ("Mozilla/5.0 (compatible; Visit-http://evil.example/1.0)", UNKNOWN),
    ("A" * 5000, UNKNOWN),
    ("Mozilla/5.0 (compatible; " + "A" * 60 + "bot/1.0)", "A" * 40),  # a family name is cut short
    ("", ""),
])
def test_the_browser_is_named_from_the_user_agent_never_echoed(user_agent, expected):
    assert browser_name(user_agent) == expected
