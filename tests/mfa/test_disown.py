"""*This wasn't me*: following the notice's link. GET only shows what it will do; the POST removes the
authenticator and its recovery codes, ends every session, puts the account on hold, audits and reports it."""

import logging

import pytest
from django.core import signing
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from tests.mfa.disown_world import (
    OWNER_IP,
    REPORT_SUBJECT,
    SETUP_IP,
    enroll_and_get_link,
    follow,
    make_people,
    owner_browser,
)
from tests.signin_helpers import force_sign_in
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.disown import links as disown_links
from twostep.mfa.disown import services as disown
from twostep.mfa.models import AccountHold, Authenticator, DisownLink, RecoveryCode

pytestmark = pytest.mark.django_db
DONE = "Your account is secured and on hold"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.fixture
def member(settings, make_user, make_org, require_mfa):
    return make_people(settings, make_user, make_org, require_mfa)["member"]


@pytest.fixture
def link_path(clock, member, django_capture_on_commit_callbacks):
    return enroll_and_get_link(member, now=clock.now - 60, capture=django_capture_on_commit_callbacks)


@pytest.fixture
def laptop(clock, member):
    """A browser signed in to the member's account with a code."""
    browser = Client()
    post_password(browser, "member@acme.example")
    assert post_code(browser, code_for(member, clock.now))["Location"] == "/"
    assert browser.get("/").status_code == 200
    return browser


def untouched(member) -> bool:
    return (Authenticator.objects.filter(user=member, confirmed_at__isnull=False).count() == 1
            and RecoveryCode.objects.filter(user=member).count() == 10
            and not AccountHold.objects.exists() and not DisownLink.objects.filter(used_at__isnull=False).exists()
            and not AuditEvent.objects.filter(action="mfa.disowned").exists())


def test_get_shows_what_following_it_does_and_changes_nothing(clock, member, link_path, laptop, mailoutbox):
    browser = owner_browser()
    opened = browser.get(link_path)
    assert opened.status_code == 302 and opened["Location"] == "/mfa/not-me/"
    assert opened["Referrer-Policy"] == "strict-origin" and "no-store" in opened["Cache-Control"]
    events_before = AuditEvent.objects.count()
    for _ in range(2):  # a mail scanner opening the link twice changes nothing either
        page = browser.get(reverse("mfa:disown"))
        assert page.status_code == 200
        assert page["Referrer-Policy"] == "strict-origin" and "no-store" in page["Cache-Control"]
        text = page.content.decode()
        assert "You did not set up this authenticator app?" in text and "<strong>member@acme.example</strong>" in text
        assert "<dd>29 Nov 2026, 23:59 UTC</dd>" in text and f"<dd>IP address {SETUP_IP}</dd>" in text
        assert "<dd>Chrome on Windows</dd>" in text and "removes this authenticator app and its recovery codes" in text
        assert link_path.split("/")[-2] not in text
    assert untouched(member) and AuditEvent.objects.count() == events_before and mailoutbox == []
    assert laptop.get("/").status_code == 200


def test_post_removes_the_app_ends_every_session_holds_audits_and_reports(
        clock, member, link_path, laptop, mailoutbox, django_capture_on_commit_callbacks):
    browser = owner_browser()
    follow(browser, link_path)
    since = AuditEvent.objects.latest("id").id
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(reverse("mfa:disown"))
    assert done.status_code == 200 and DONE in done.content.decode()
    assert "The authenticator app set up on 29 Nov 2026, 23:59 UTC and its\n        recovery codes were removed." \
        in done.content.decode()
    assert done["Referrer-Policy"] == "strict-origin"
    assert not Authenticator.objects.filter(user=member).exists()
    assert not RecoveryCode.objects.filter(user=member).exists()
    assert DisownLink.objects.get().used_at == clock.moment
    hold = AccountHold.objects.get()
    assert (hold.user, hold.reason, hold.placed_at, hold.lifted_at) == (member, "disowned", clock.moment, None)
    assert hold.detail == ("The owner said the authenticator app set up on 29 November 2026 at 23:59 UTC from IP "
                           "address 203.0.113.7 (Chrome on Windows) was not theirs.")
    assert laptop.get("/")["Location"].startswith("/signin/")  # the open session is over
    assert list(AuditEvent.objects.filter(id__gt=since).values_list(
        "action", "outcome", "actor_id", "subject_id", "ip_address", "detail")) == [
        ("mfa.disowned", "success", member.pk, member.pk, OWNER_IP,
         {"authenticator_removed": True, "recovery_codes": 10, "setup_ip": SETUP_IP})]
    assert "twostep_disown" not in browser.session


def test_support_and_the_admins_are_told(clock, member, link_path, mailoutbox, django_capture_on_commit_callbacks):
    browser = owner_browser()
    follow(browser, link_path)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("mfa:disown"))
    sent = sorted((m.to[0], m.subject) for m in mailoutbox)
    # Support staff (the permission, or a superuser's every permission), the support contact, and the admins
    # of each organization; never the member, staff without the permission or an inactive account.
    assert sent == [(address, REPORT_SUBJECT) for address in (
        "admin@acme.example", "help@twostep.example", "nora@northwind.example", "root@twostep.example",
        "support@twostep.example")]
    bodies = {m.to[0]: m.body for m in mailoutbox}
    support = bodies["support@twostep.example"]
    assert "the owner of the twostep account member@acme.example (Max Member) followed the \"This wasn't me\"" \
        in support
    assert ("Set up: 29 November 2026 at 23:59 UTC\nFrom: IP address 203.0.113.7\nBrowser: Chrome on Windows\n"
            "Reported: 30 November 2026 at 00:00 UTC\n") in support
    assert "- That authenticator app and its recovery codes were removed.\n" in support
    assert "lift the hold in the support console" in support and bodies["help@twostep.example"] == support
    assert "member@acme.example (Max Member), a member of Acme Calibration, reported" in bodies["admin@acme.example"]
    assert "a member of Northwind Labs, reported" in bodies["nora@northwind.example"]
    assert "That authenticator app and its recovery codes were removed, every session" in bodies["admin@acme.example"]
    assert not any(link_path.split("/")[-2] in body for body in bodies.values())


def test_a_second_use_is_refused_and_changes_nothing(clock, member, link_path, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    browser = owner_browser()
    follow(browser, link_path)
    browser.post(reverse("mfa:disown"))
    events = AuditEvent.objects.count()
    again = owner_browser()
    page = follow(again, link_path)
    assert page.status_code == 410 and page.context["error"].code == "used"
    again.get(link_path)
    with django_capture_on_commit_callbacks(execute=True):
        post = again.post(reverse("mfa:disown"))
    assert post.status_code == 410 and post.context["error"].code == "used"
    assert AuditEvent.objects.count() == events and AccountHold.objects.count() == 1 and mailoutbox == []


def test_a_link_works_for_exactly_7_days(clock, member, link_path):
    clock.advance(7 * 24 * 3600 - 60)  # the link was sent 60 s before the clock's now
    page = follow(owner_browser(), link_path)
    assert page.status_code == 200 and untouched(member)


def test_an_expired_link_is_refused_and_changes_nothing(clock, member, link_path, mailoutbox):
    clock.advance(7 * 24 * 3600 - 60 + 1)  # 7 days and 1 second after it was sent
    browser = owner_browser()
    page = follow(browser, link_path)
    assert page.status_code == 410 and page.context["error"].code == "expired"
    browser.get(link_path)
    post = browser.post(reverse("mfa:disown"))
    assert post.status_code == 410 and untouched(member) and mailoutbox == []


@pytest.mark.parametrize("tamper", ["signature", "token", "unknown", "missing"])
def test_a_tampered_link_is_refused_and_changes_nothing(clock, member, link_path, tamper):
    signed = link_path.split("/")[-2]
    token, signature = signed.rsplit(":", 1)
    forged = {"signature": f"{token}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
              "token": f"{token[:-1]}{'A' if token[-1] != 'A' else 'B'}:{signature}",
              "unknown": signing.Signer(salt=disown_links.SALT).sign("a-token-that-was-never-sent"),
              "missing": None}[tamper]
    browser = owner_browser()
    page = follow(browser, f"/mfa/not-me/{forged}/") if forged else browser.get(reverse("mfa:disown"))
    assert page.status_code == 400 and page.context["error"].code == "invalid"
    if forged:
        browser.get(f"/mfa/not-me/{forged}/")
    assert browser.post(reverse("mfa:disown")).status_code == 400
    assert untouched(member)


def test_a_link_of_a_replaced_app_still_holds_and_reports_but_removes_nothing(
        clock, member, link_path, mailoutbox, django_capture_on_commit_callbacks):
    newer_path = enroll_and_get_link(member, now=clock.now, capture=django_capture_on_commit_callbacks)
    current = Authenticator.objects.get(user=member)
    browser = owner_browser()
    page = follow(browser, link_path)
    assert page.status_code == 200 and "removes nothing: this authenticator app was replaced or removed meanwhile" \
        in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(reverse("mfa:disown"))
    assert done.status_code == 200
    assert "That authenticator app had already been replaced or removed, so nothing was removed." \
        in done.content.decode()
    assert Authenticator.objects.get(user=member) == current and RecoveryCode.objects.filter(user=member).count() == 10
    assert AccountHold.objects.get().user == member
    event = AuditEvent.objects.get(action="mfa.disowned")
    assert event.detail == {"authenticator_removed": False, "recovery_codes": 0, "setup_ip": SETUP_IP}
    support = next(m.body for m in mailoutbox if m.to == ["support@twostep.example"])
    assert "had been replaced or removed already, so nothing was removed" in support
    # The newer link still works: it removes the app set up now, and the account stays on one hold.
    follow(browser, newer_path)
    browser.post(reverse("mfa:disown"))
    assert not Authenticator.objects.filter(user=member).exists() and AccountHold.objects.count() == 1


def test_the_link_opens_in_the_middle_of_a_sign_in(clock, member, link_path):
    browser = owner_browser()
    assert post_password(browser, "member@acme.example")["Location"] == reverse("mfa:code")
    page = follow(browser, link_path)
    assert page.status_code == 200 and "You did not set up this authenticator app?" in page.content.decode()
    assert browser.post(reverse("mfa:disown")).status_code == 200
    assert AccountHold.objects.get().user == member


def test_the_token_is_never_logged(clock, member, link_path, caplog):
    caplog.set_level(logging.DEBUG)
    browser = owner_browser()
    follow(browser, link_path)
    browser.post(reverse("mfa:disown"))
    follow(browser, link_path)  # now used: a 410, which Django's own request logger reports
    token = link_path.split("/")[-2]
    assert token not in caplog.text and token.split(":")[0] not in caplog.text
    requests = [(r.method, r.path, r.status) for r in caplog.records if r.name == "twostep.request"]
    assert requests == [("GET", "/mfa/not-me/<str:token>/", 302), ("GET", "/mfa/not-me/", 200),
                        ("POST", "/mfa/not-me/", 200), ("GET", "/mfa/not-me/<str:token>/", 302),
                        ("GET", "/mfa/not-me/", 410)]


def test_a_mail_server_failure_keeps_the_hold(clock, settings, member, link_path, caplog,
                                              django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mfa.test_disown.FailingBackend"
    browser = owner_browser()
    follow(browser, link_path)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        assert browser.post(reverse("mfa:disown")).status_code == 200
    assert AccountHold.objects.filter(user=member, lifted_at__isnull=True).exists()
    warnings = [r.getMessage() for r in caplog.records if r.name == "twostep.accounts.notices"]
    assert warnings == [f"Could not send the hold reports about user {member.pk}"]


def test_two_uses_at_once_claim_the_link_once(clock, member, link_path):
    link = DisownLink.objects.get()
    disown_links.claim(link, now=clock.now)
    stale = DisownLink.objects.get(pk=link.pk)
    stale.used_at = None  # as read by a second request before the first committed
    with pytest.raises(disown_links.UsedDisownLinkError):
        disown_links.claim(stale, now=clock.now)
    assert DisownLink.objects.get().used_at == clock.moment


def test_the_organizations_audit_log_shows_the_event_to_its_admins(clock, member, link_path):
    browser = owner_browser()
    follow(browser, link_path)
    browser.post(reverse("mfa:disown"))
    admin = User.objects.get(email="admin@acme.example")
    force_sign_in(browser, admin, verified_at=clock.now)
    page = browser.get("/orgs/acme/audit/", {"action": "mfa.disowned"})
    assert page.status_code == 200
    assert [(e.action, e.subject_label) for e in page.context["page"].object_list] == [
        ("mfa.disowned", "member@acme.example")]
    text = page.content.decode()
    assert '<td data-label="Action">Authenticator app disowned (This wasn&#x27;t me); account on hold</td>' in text
    # The member belongs to Northwind too: where the app was set up is not Acme's alone to see (the e-mailed
    # report tells each admin; support sees it in the console).
    assert '<td data-label="Details">authenticator removed: yes; recovery codes: 10</td>' in text
    assert "203.0.113.7" not in text


def test_the_use_case_itself_refuses_a_link_that_expired_after_it_was_read(clock, member, link_path):
    link = DisownLink.objects.get()  # read while it was open; it expires before the disowning commits
    with pytest.raises(disown_links.ExpiredDisownLinkError):
        disown.disown_authenticator(link, now=clock.now + 7 * 24 * 3600)
    assert untouched(member)
