"""Pages say exactly who requires MFA, from when, and what a change will ask for."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.conftest import post_password, prove_mailbox, set_throttle
from tests.signin_helpers import force_sign_in
from twostep.clock import as_datetime
from twostep.mfa.rollout.services import set_require_mfa

pytestmark = pytest.mark.django_db
DEC_14 = datetime(2026, 12, 14, tzinfo=UTC)


def setup_page(client, email: str) -> str:
    assert post_password(client, email)["Location"] == reverse("mfa:setup")
    prove_mailbox(client)
    return client.get(reverse("mfa:setup")).content.decode()


def test_setup_names_the_one_requiring_organization(client, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", members=[member]))
    make_org("Globex", members=[member])  # does not require MFA
    assert "<p>Acme Calibration requires a second step at sign-in: a 6-digit code" in setup_page(
        client, "member@acme.example")


def test_setup_names_every_requiring_organization(client, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    for name in ("Northwind Labs", "Acme Calibration", "Globex"):
        require_mfa(make_org(name, members=[member]))
    assert "<p>Acme Calibration, Globex and Northwind Labs require a second step at sign-in" in setup_page(
        client, "member@acme.example")


def test_setup_for_staff_says_the_account_requires_it(client, clock, make_user):
    make_user("staff@twostep.example", is_staff=True)
    page = setup_page(client, "staff@twostep.example")
    assert "<p>Multi-factor authentication is required for your account: at every sign-in, a 6-digit code" in page
    assert "organization requires" not in page


def test_security_page_with_mfa_off_asks_only_for_the_password(client, clock, make_user, enrolled):
    user = make_user("member@acme.example")
    force_sign_in(client, user)
    assert "Every change here asks for your password first." in client.get(reverse("mfa:security")).content.decode()
    enrolled(user)
    force_sign_in(client, user, verified_at=clock.now)
    page = client.get(reverse("mfa:security")).content.decode()
    assert "Every change here asks for your password and a code first." in page


def test_home_and_org_page_show_the_date_of_a_coming_requirement(client, clock, make_user, make_org, enrolled):
    admin = make_user("admin@acme.example")
    enrolled(admin)
    acme = make_org("Acme Calibration", slug="acme", admins=[admin])
    set_require_mfa(acme, required=True, actor=admin, moment=as_datetime(clock.now), enforce_from=DEC_14)
    force_sign_in(client, admin, verified_at=clock.now)
    home = client.get("/").content.decode()
    assert '<td data-label="Require MFA">From 14 Dec 2026</td>' in home
    page = client.get(reverse("mfa:organization", args=["acme"])).content.decode()
    assert "by admin@acme.example: Require MFA on from 14 December 2026.</p>" in page
    clock.advance(int(DEC_14.timestamp()) - clock.now)
    force_sign_in(client, admin, verified_at=clock.now)  # two weeks later: a new session
    assert '<td data-label="Require MFA">On</td>' in client.get("/").content.decode()


def test_support_contact_is_shown_on_the_code_and_locked_pages_when_set(client, clock, make_user, enrolled,
                                                                        settings):
    user = make_user("member@acme.example")
    enrolled(user)
    post_password(client, "member@acme.example")
    page = client.get(reverse("mfa:code")).content.decode()
    assert "Contact your organization's support\n    desk: they can reset" in page
    settings.TWOSTEP_SUPPORT_CONTACT = "help@acme.example"
    page = client.get(reverse("mfa:code")).content.decode()
    assert 'desk (<a href="mailto:help@acme.example">help@acme.example</a>): they can reset' in page
    set_throttle(user, failures=100, locked_at=as_datetime(clock.now))
    locked = client.get(reverse("mfa:code"))
    assert locked.status_code == 403
    assert '<strong>support desk</strong>\n      (<a href="mailto:help@acme.example">help@acme.example</a>).' in (
        locked.content.decode())


@pytest.mark.parametrize(("contact", "shown"), [
    ("mailto:help@acme.example", '(<a href="mailto:help@acme.example">help@acme.example</a>)'),
    ("https://help.acme.example/mfa?lost=1", '(<a href="https://help.acme.example/mfa?lost=1">'
                                              'https://help.acme.example/mfa?lost=1</a>)'),
    ("call +358 9 123 <4567>", "(call +358 9 123 &lt;4567&gt;)"),
])
def test_support_contact_is_a_link_for_an_address_or_url_else_text(client, clock, make_user, enrolled, settings,
                                                                    contact, shown):
    user = make_user("member@acme.example")
    enrolled(user)
    settings.TWOSTEP_SUPPORT_CONTACT = contact
    post_password(client, "member@acme.example")
    assert shown in client.get(reverse("mfa:code")).content.decode()
    set_throttle(user, failures=100, locked_at=as_datetime(clock.now))
    assert shown in client.get(reverse("mfa:code")).content.decode()


# --- refusals: the words a person reads (every other test asserts their codes) -------------------------------

def words(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, each run of white space one space."""
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


def wrong_code(user, now: int) -> str:
    """A code of no time step near ``now``: wrong, not one of a phone whose clock is off."""
    from tests.conftest import code_for

    valid = {code_for(user, now, offset_steps=offset) for offset in range(-11, 11)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


@pytest.fixture
def at_code(client, clock, member, enrolled):
    """``member`` (Acme Calibration requires MFA) with an authenticator, at the code step on ``client``."""
    enrolled(member)
    clock.advance(600)  # the steps before ours are not used up by the setup
    assert post_password(client, "member@acme.example")["Location"] == reverse("mfa:code")
    return member


def test_sign_in_refusals(client, clock, make_user):
    make_user("nora@northwind.example")
    refused = post_password(client, "nora@northwind.example", "not the password")
    assert "That e-mail address and password do not match an account. Check both and try again." in words(refused)
    for _ in range(4):
        post_password(client, "nora@northwind.example", "not the password")
    throttled = post_password(client, "nora@northwind.example")
    assert "Too many failed sign-in attempts. For your security, wait 30 seconds before you try again." in (
        words(throttled))


def test_code_step_refusals(client, clock, at_code):
    from tests.conftest import code_for, post_code

    wrong = words(post_code(client, wrong_code(at_code, clock.now)))
    assert "That code is not correct. Check that you typed the newest code from your authenticator app." in wrong
    assert "4 attempts left before you must sign in again." in wrong
    assert "Enter the 6 digits shown in your authenticator app, like 123 456." in words(post_code(client, "12345"))
    used = code_for(at_code, clock.now)
    assert post_code(client, used).status_code == 302
    client.post(reverse("mfa:signout"))
    post_password(client, "member@acme.example")
    assert "That code has already been used. Wait for the next code in your authenticator app." in words(
        post_code(client, used))


def test_a_sign_in_that_took_too_long(client, clock, at_code):
    clock.advance(301)
    assert "Your sign-in took too long or was interrupted. Please sign in again." in words(
        client.get(reverse("mfa:code"), follow=True))


def test_the_clock_of_the_phone_is_explained(client, clock, at_code, settings):
    from tests.conftest import code_for, post_code
    from twostep.mfa.models import Authenticator

    assert ("The clock of your phone seems to be about 30 seconds ahead. Set your phone's date and time to "
            "automatic, then enter the new code from your authenticator app.") in words(
        post_code(client, code_for(at_code, clock.now, offset_steps=1)))
    forget = {"clock_step": None, "clock_drift": None}  # a clock answer is given once: this is another phone
    Authenticator.objects.filter(user=at_code).update(**forget)
    behind = words(post_code(client, code_for(at_code, clock.now, offset_steps=-3)))
    assert "The clock of your phone seems to be about 1½ minutes behind." in behind
    Authenticator.objects.filter(user=at_code).update(drift=3, **forget)
    assert ("The clock of your phone seems to have changed since you last used this authenticator app. "
            "Enter the next new code from the app.") in words(post_code(client, code_for(at_code, clock.now)))
    settings.TWOSTEP_TOTP_ACCEPT = "current"
    Authenticator.objects.filter(user=at_code).update(drift=0, **forget)
    assert ("That code changed in your authenticator app before it reached us. Enter the code the app shows "
            "now.") in words(post_code(client, code_for(at_code, clock.now, offset_steps=-1)))


def test_a_setup_code_from_a_phone_whose_clock_is_off(client, clock, member):
    from tests.conftest import code_for, post_code

    setup_page(client, "member@acme.example")
    assert "The clock of your phone seems to be about 1 minute behind." in words(
        post_code(client, code_for(member, clock.now, offset_steps=-2), url="mfa:setup_confirm"))


def test_waits_and_the_lock(client, clock, at_code):
    from tests.conftest import code_for, post_code

    set_throttle(at_code, failures=5, throttled_until=as_datetime(clock.now + 30))
    waiting = "Too many wrong codes. For your security, wait 30 seconds before you try again."
    assert waiting in words(client.get(reverse("mfa:code")))
    assert waiting in words(post_code(client, code_for(at_code, clock.now)))
    clock.advance(30)
    assert waiting.replace("30 seconds", "1 minute") in words(post_code(client, wrong_code(at_code, clock.now)))
    set_throttle(at_code, failures=100, locked_at=as_datetime(clock.now))
    locked = words(client.get(reverse("mfa:code")))
    assert "Sign-in with a second factor is locked" in locked
    assert "Waiting will not unlock it, and neither will a recovery code." in locked
    assert ("Contact your organization's support desk. After checking who you are, they reset multi-factor "
            "authentication, which lifts the lock") in locked


def test_recovery_code_refusals(client, clock, member, codes):
    from tests.conftest import post_code

    post_password(client, "member@acme.example")
    url = reverse("mfa:recovery")
    wrong = words(client.post(url, {"recovery_code": "00000-00000"}))
    assert "That recovery code is not correct. Check each character and try again." in wrong
    assert "4 attempts left before you must sign in again." in wrong
    for _ in range(2):
        client.post(url, {"recovery_code": "00000-00000"})
    assert "1 attempt left before you must sign in again." in words(client.post(url, {"recovery_code": "00000-00000"}))
    assert ("Enter a recovery code as it was given to you, like abcde-12345 (10 letters and digits).") in words(
        client.post(url, {"recovery_code": "123456"}))
    assert "Enter one of your recovery codes." in words(client.post(url, {"recovery_code": ""}))
    assert client.post(url, {"recovery_code": codes[0]}).status_code == 302
    client.post(reverse("mfa:signout"))
    post_password(client, "member@acme.example")
    assert ("That recovery code has already been used. Each code works once: use another one from your "
            "list.") in words(client.post(url, {"recovery_code": codes[0]}))
    for _ in range(4):  # the pending sign-in's fifth wrong code ends it, a recovery code's as an app's
        post_code(client, wrong_code(member, clock.now))
    ended = client.post(url, {"recovery_code": "00000-00000"}, follow=True)
    assert "Too many wrong codes. For your security, sign in again with your password." in words(ended)


def test_the_hold_page(client, clock, member, enrolled, settings):
    from twostep.mfa.models import AccountHold

    enrolled(member)
    AccountHold.objects.create(user=member, reason=AccountHold.Reason.DISOWNED, placed_at=as_datetime(clock.now))
    page = words(post_password(client, "member@acme.example"))
    assert "Your account is on hold" in page
    assert ("Nobody can sign in to member@acme.example at the moment. Its owner reported that an authenticator app "
            "set up on it was not theirs") in page
    assert "Contact support (your organization's support desk). After checking that you are the owner" in page
    settings.TWOSTEP_SUPPORT_CONTACT = "help@acme.example"
    assert "Contact support (help@acme.example)." in words(post_password(client, "member@acme.example"))


def test_mailbox_proof_refusals(client, clock, member, settings):
    from django.core import mail

    from tests.conftest import mailed_code

    settings.TWOSTEP_MAILBOX_CODE_LIFETIME = 600
    post_password(client, "member@acme.example")
    url = reverse("mfa:setup_mailbox")
    client.get(url)
    right = mailed_code(mail.outbox[-1])
    wrong = f"{(int(right.replace(' ', '')) + 1) % 10**6:06d}"
    assert "That code is not correct. Check the newest e-mail from us and type its 6 digits." in words(
        client.post(url, {"action": "code", "code": wrong}))
    assert ("That temporary access pass is not valid: it may be mistyped, used already, replaced by a newer") in words(
        client.post(url, {"action": "access_pass", "access_pass": "AAAA-BBBB-CCCC-DDDD"}))
    assert ("A code was sent a moment ago, or too many today. Check your inbox and spam folder; a new code can be "
            "sent a minute after the last one.") in words(client.post(url, {"action": "resend"}))
    clock.advance(601)
    assert "That code has run out or was tried too often. Send yourself a new code." in words(
        client.post(url, {"action": "code", "code": right}))


def test_signed_in_refusals(client, clock, member, codes, make_user):
    from django.test import Client

    from tests.conftest import PASSWORD, code_for

    force_sign_in(client, member, verified_at=clock.now)
    wrong_password = client.post(reverse("mfa:stepup"), {"password": "wrong", "code": code_for(member, clock.now),
                                                         "next": "/"})
    assert "That password is not correct." in words(wrong_password)
    set_throttle(member, failures=5, throttled_until=as_datetime(clock.now + 30))
    throttled = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(member, clock.now),
                                                    "next": "/"})
    assert "Too many wrong codes. For your security, wait 30 seconds before you try again." in words(throttled)
    set_throttle(member, failures=100, locked_at=as_datetime(clock.now))
    assert "Back to home" in words(client.get(reverse("mfa:stepup")))
    other = Client()
    force_sign_in(other, make_user("other@acme.example"))
    assert "Those recovery codes are no longer valid. Generate a new set to download it." in words(
        other.post(reverse("mfa:recovery_codes_download"), {"codes": codes}))


def test_mfa_that_cannot_be_turned_off_says_why(client, clock, make_user):
    from tests.signin_helpers import enroll_with_codes

    staff = make_user("ops@example.com", is_staff=True)
    enroll_with_codes(staff, now=clock.now - 60)
    force_sign_in(client, staff, verified_at=clock.now, stepped_up_at=clock.now)
    assert ("Staff and support accounts must always use multi-factor authentication. It cannot be turned "
            "off.") in words(client.post(reverse("mfa:disable")))


def test_change_email_refusals(client, clock, make_user):
    from tests.accounts.lookalikes import LOOKS_THE_SAME, TAKEN, UNUSUAL

    nora = make_user("nora@northwind.example")
    make_user("taken@northwind.example")
    make_user("ann@staff.example")
    force_sign_in(client, nora, stepped_up_at=clock.now, mailbox_proven_at=clock.now)
    url = reverse("mfa:change_email")
    assert TAKEN in words(client.post(url, {"email": "Taken@northwind.example"}))
    assert "That is already your e-mail address." in words(client.post(url, {"email": "NORA@northwind.example"}))
    assert ("That address looks the same as your current one but is a different address. Type the new address by "
            "hand.") in words(client.post(url, {"email": "nora@n\u043erthwind.example"}))
    assert LOOKS_THE_SAME in words(client.post(url, {"email": "ann@st\u0430ff.example"}))
    assert UNUSUAL in words(client.post(url, {"email": "nora@new.example\u200b"}))


@pytest.fixture
def acme_admin(client, clock, make_user, make_org, enrolled):
    """Acme Calibration (Require MFA off) and its admin, who has MFA, signed in on ``client``."""
    admin = make_user("admin@acme.example")
    enrolled(admin)
    make_org("Acme Calibration", slug="acme", admins=[admin], members=[make_user("bob@acme.example")])
    force_sign_in(client, admin, verified_at=clock.now)
    return admin


@pytest.mark.parametrize("form, message", [
    ({"require_mfa": "yes please"}, "Tick the box to require MFA, or clear it to stop requiring it, and save."),
    ({"require_mfa": "on", "starts": "date", "enforce_date": ""}, "Enter the date from which members must use MFA."),
    ({"require_mfa": "on", "starts": "date", "enforce_date": "14/12/2026"},
     "Enter the date as year-month-day, like 2027-01-15."),
    ({"require_mfa": "on", "starts": "date", "enforce_date": "2026-11-29"},
     "Choose today (2026-11-30) or a later date: that day has passed."),
])
def test_require_mfa_form_refusals(client, clock, acme_admin, form, message):
    assert message in words(client.post("/orgs/acme/settings/mfa/", form))


def test_switching_on_without_mfa_of_ones_own(client, clock, make_user, make_org, settings):
    settings.TWOSTEP_MFA_REQUIRED_FOR = "organizations"
    admin = make_user("admin@acme.example")
    make_org("Acme Calibration", slug="acme", admins=[admin])
    force_sign_in(client, admin)
    assert ("Set up multi-factor authentication for your own account first: only an admin who uses MFA can require "
            "it of the members. Set up MFA for your account") in words(
        client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on"}))


def test_members_filter_and_notify_refusals(client, clock, acme_admin, settings):
    assert "Filter by Set up, Not yet or Locked." in words(client.get("/orgs/acme/settings/mfa/members/?status=x"))
    url = "/orgs/acme/settings/mfa/notify/"
    assert ("Require MFA is off for Acme Calibration. Turn it on (now or from a date) first: the e-mail tells members "
            "from when MFA is required.") in words(client.get(url))
    assert "Turn on Require MFA first: the e-mail tells members from when MFA is required." in words(client.post(url))
    set_require_mfa(acme_admin.memberships.get().organization, required=True, actor=None,
                    moment=as_datetime(clock.now))
    import socket

    with socket.socket() as refusing:  # bound, never listening: connections are refused
        refusing.bind(("127.0.0.1", 0))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing.getsockname()[1]
        assert "The mail server did not accept the e-mails. Try again in a few minutes." in words(client.post(url))


def test_this_wasnt_me_link_refusals(clock, member, settings, django_capture_on_commit_callbacks):
    from django.test import Client

    from tests.mfa.disown_world import enroll_and_get_link, follow

    settings.TWOSTEP_BASE_URL = "http://testserver"
    first, second = (enroll_and_get_link(member, now=clock.now, capture=django_capture_on_commit_callbacks)
                     for _ in range(2))
    assert "This link is not valid. Check that you opened the whole link from the e-mail." in words(
        follow(Client(), first[:-2] + "/"))
    browser = Client()
    follow(browser, second)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("mfa:disown"))
    assert "This link has already been used: what it does was done when it was first followed." in words(
        follow(Client(), second))
    clock.advance(7 * 24 * 3600 + 1)
    assert "This link has expired (it works for 7 days)." in words(follow(Client(), first))
