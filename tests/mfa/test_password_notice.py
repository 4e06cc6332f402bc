"""'Someone signed in with your password but did not have your code': after 3 wrong codes in one pending
sign-in, or one abandoned with a wrong code (cancelled, expired, left), at most one mail per user an hour."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from tests.services import run_rqworker, unique_queue
from tests.signin_helpers import enroll_with_codes
from twostep.accounts.browsers import UNKNOWN, browser_label
from twostep.audit.models import AuditEvent
from twostep.mfa.signin import password_notice, pending

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SUBJECT = "Someone signed in with your password but did not have your code"
LEAD = ("Someone signed in with your password but did not have your code. If it wasn't you, change your password:\n"
        "https://portal.example/account/password/\n")
NOTICE = "mfa.password_without_code_notice"


@pytest.fixture
def nora(clock, make_user, make_org, require_mfa, settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"
    settings.TWOSTEP_SUPPORT_CONTACT = "help@northwind.example"
    user = make_user("nora@northwind.example", name="Nora North")
    require_mfa(make_org("Northwind Labs", slug="northwind", members=[user]))
    enroll_with_codes(user, now=clock.now - 60)
    return user


@pytest.fixture
def attacker(clock, nora):
    """A browser that has Nora's password: at the code step."""
    browser = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=FIREFOX)
    assert post_password(browser, "nora@northwind.example")["Location"] == reverse("mfa:code")
    return browser


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (mails, delayed tasks) as a real request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def wrong(user, now: int) -> str:
    valid = {code_for(user, now, offset_steps=offset) for offset in range(-11, 11)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def notices():
    return list(AuditEvent.objects.filter(action=NOTICE).order_by("id")
                .values_list("subject_id", "actor_id", "ip_address", "user_agent", "detail"))


def the_mail(outbox) -> str:
    assert [(m.to, m.subject) for m in outbox] == [(["nora@northwind.example"], SUBJECT)]
    return outbox[0].body


def test_the_third_wrong_code_brings_one_notice(clock, nora, attacker, commit, mailoutbox):
    for _ in range(2):
        with commit():
            assert post_code(attacker, wrong(nora, clock.now)).status_code == 400
    assert mailoutbox == [] and notices() == []
    clock.advance(70)  # the third code at 00:01:15
    with commit():
        assert post_code(attacker, wrong(nora, clock.now)).status_code == 400
    body = the_mail(mailoutbox)
    assert body.startswith("Hello Nora North,\n\n" + LEAD)
    assert ("This was a sign-in to your twostep account (nora@northwind.example). 3 wrong codes were entered; "
            "the sign-in did not go through.") in body
    # When: the password step (00:00:05), not the third code.
    assert f"When: 30 November 2026 at 00:00 UTC\nFrom: IP address {IP}\nBrowser: Firefox on Windows\n" in body
    assert "Support: help@northwind.example" in body
    assert notices() == [(nora.pk, None, IP, FIREFOX, {"reason": "wrong_codes", "wrong_codes": 3})]
    with commit():  # the 4th and the 5th (which ends the sign-in) tell nothing more
        assert post_code(attacker, wrong(nora, clock.now)).status_code == 400
        assert post_code(attacker, wrong(nora, clock.now))["Location"] == reverse("mfa:signin")
    assert len(mailoutbox) == 1 and len(notices()) == 1


def test_wrong_recovery_codes_count_too(clock, nora, attacker, commit, mailoutbox):
    with commit():
        post_code(attacker, wrong(nora, clock.now))
        assert attacker.post(reverse("mfa:recovery"), {"recovery_code": "aaaaa-bbbbb"}).status_code == 400
    assert mailoutbox == []
    with commit():
        assert attacker.post(reverse("mfa:recovery"), {"recovery_code": "ccccc-ddddd"}).status_code == 400
    assert "3 wrong codes were entered" in the_mail(mailoutbox)
    assert notices()[0][4] == {"reason": "wrong_codes", "wrong_codes": 3}


def test_a_replayed_code_is_no_guess(clock, nora, attacker, commit, mailoutbox):
    code = code_for(nora, clock.now)
    mine = Client()
    post_password(mine, "nora@northwind.example")
    assert post_code(mine, code).status_code == 302  # Nora signs in with it
    with commit():
        post_code(attacker, wrong(nora, clock.now))
        post_code(attacker, wrong(nora, clock.now))
        replay = post_code(attacker, code)
    assert replay.status_code == 400 and replay.context["form"].has_error("code", "replayed_code")
    assert mailoutbox == [] and notices() == []


def test_cancelling_after_a_wrong_code(clock, nora, attacker, commit, mailoutbox):
    with commit():
        post_code(attacker, wrong(nora, clock.now))
        response = attacker.post(reverse("mfa:signout"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    assert ("It was cancelled after 1 wrong code; the sign-in did not go through." in the_mail(mailoutbox))
    assert notices() == [(nora.pk, None, IP, FIREFOX, {"reason": "cancelled", "wrong_codes": 1})]


def test_cancelling_without_a_wrong_code_or_signing_in_after_one_tells_nothing(clock, nora, attacker, commit,
                                                                             mailoutbox):
    with commit():
        attacker.post(reverse("mfa:signout"))
    mine = Client()
    post_password(mine, "nora@northwind.example")
    with commit():
        post_code(mine, wrong(nora, clock.now))
        assert post_code(mine, code_for(nora, clock.now)).status_code == 302  # a mistyped code, then signed in
    clock.advance(400)  # past the deadline: the delayed check finds the sign-in completed
    with commit():
        assert Client().get(reverse("mfa:signin")).status_code == 200
        mine.post(reverse("mfa:signout"))
    assert mailoutbox == [] and notices() == []


def test_an_expired_sign_in_with_a_wrong_code_tells_at_its_next_request(clock, nora, attacker, commit, mailoutbox):
    with commit():
        post_code(attacker, wrong(nora, clock.now))
    clock.advance(301)  # 1 s past the 5 minutes; the delayed check is due 5 s later still
    with commit():
        response = attacker.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    assert "It was left unfinished after 1 wrong code; the sign-in did not go through." in the_mail(mailoutbox)
    assert notices() == [(nora.pk, None, IP, FIREFOX, {"reason": "expired", "wrong_codes": 1})]
    clock.advance(10)
    with commit():  # the delayed check finds nothing left to tell
        Client().get(reverse("mfa:signin"))
    assert len(mailoutbox) == 1


def test_a_left_sign_in_is_checked_after_its_deadline_at_any_request(clock, nora, attacker, commit, mailoutbox):
    started = clock.now
    clock.advance(20)
    with commit():
        post_code(attacker, wrong(nora, clock.now))
    someone = Client()
    clock.now = started + 300 + 4  # the check is due 5 s after the 5 minutes
    with commit():
        assert someone.get(reverse("mfa:signin")).status_code == 200
    assert mailoutbox == []
    clock.now = started + 300 + 5
    with commit():
        assert someone.get(reverse("mfa:signin")).status_code == 200  # any request of any session runs it
    assert "It was left unfinished after 1 wrong code; the sign-in did not go through." in the_mail(mailoutbox)
    assert f"From: IP address {IP}\nBrowser: Firefox on Windows\n" in mailoutbox[0].body
    assert notices() == [(nora.pk, None, IP, FIREFOX, {"reason": "left", "wrong_codes": 1})]
    clock.advance(7200)  # the attacker's tab comes back hours later: already told
    with commit():
        assert attacker.get("/")["Location"] == reverse("mfa:signin")
    assert len(mailoutbox) == 1 and len(notices()) == 1


def test_check_left_looks_again_when_it_runs_early(clock, nora, attacker, commit, mailoutbox):
    from twostep import tasks

    with commit():
        post_code(attacker, wrong(nora, clock.now))
    started = attacker.session[pending.SESSION_KEY]["started_at"]
    ((due, _, func, (reference,)),) = tasks._held
    assert (due, func) == (started + 305, password_notice.check_left)
    assert attacker.session.session_key not in reference  # the session key is sealed
    tasks.forget_held()
    clock.advance(100)
    with commit():
        assert password_notice.check_left(reference) is False  # before the deadline: held again
    assert [held[0] for held in tasks._held] == [started + 305]
    clock.advance(301)
    with commit():
        assert password_notice.check_left(reference) is True
    assert len(mailoutbox) == 1


def test_at_most_one_notice_an_hour(clock, nora, attacker, commit, mailoutbox):
    with commit():
        for _ in range(3):
            post_code(attacker, wrong(nora, clock.now))
    first = clock.now
    assert len(mailoutbox) == 1
    clock.advance(600)
    second = Client(REMOTE_ADDR="198.51.100.9")
    post_password(second, "nora@northwind.example")
    with commit():
        for _ in range(3):
            clock.advance(30)  # the authenticator's back-off after 5 wrong codes in a row
            assert post_code(second, wrong(nora, clock.now)).status_code == 400
        second.post(reverse("mfa:signout"))
    assert len(mailoutbox) == 1 and len(notices()) == 1
    # The use case itself, at the boundary (the clock passed in): 3,599 s after the first, then 3,600 s.
    clock.now = first + 3599
    with commit():
        assert password_notice.send(nora.pk, reason="left", wrong_codes=1, started_at=first, ip=IP, agent="",
                                    now=clock.now) is False
    assert len(mailoutbox) == 1
    clock.now = first + 3600
    with commit():
        assert password_notice.send(nora.pk, reason="left", wrong_codes=1, started_at=first, ip=IP, agent="",
                                    now=clock.now) is True
    assert len(mailoutbox) == 2 and f"Browser: {UNKNOWN}\n" in mailoutbox[1].body
    assert [detail for *_, detail in notices()] == [{"reason": "wrong_codes", "wrong_codes": 3},
                                                    {"reason": "left", "wrong_codes": 1}]


def test_a_sign_in_held_back_by_the_hour_is_told_once_the_hour_is_over(clock, nora, attacker, commit, mailoutbox):
    with commit():
        for _ in range(3):
            post_code(attacker, wrong(nora, clock.now))
    first = clock.now
    attacker.post(reverse("mfa:signout"))
    clock.now = first + 3500
    later = Client(REMOTE_ADDR="198.51.100.9")
    post_password(later, "nora@northwind.example")
    with commit():
        for _ in range(3):
            clock.advance(30)  # the authenticator's back-off after 5 wrong codes in a row
            assert post_code(later, wrong(nora, clock.now)).status_code == 400
    assert len(mailoutbox) == 1  # within the hour: held back
    clock.now = first + 3500 + 305  # left: the delayed check, now past the hour
    with commit():
        Client().get(reverse("mfa:signin"))
    assert len(mailoutbox) == 2 and "It was left unfinished after 3 wrong codes" in mailoutbox[1].body
    assert notices()[1][2:] == ("198.51.100.9", "", {"reason": "left", "wrong_codes": 3})


def test_the_hour_is_per_user(clock, nora, make_user, enrolled, commit, mailoutbox):
    other = make_user("olaf@northwind.example")
    enrolled(other)
    with commit():
        assert password_notice.send(nora.pk, reason="left", wrong_codes=1, started_at=clock.now, ip=None,
                                    agent="", now=clock.now)
        assert password_notice.send(other.pk, reason="left", wrong_codes=1, started_at=clock.now, ip=None,
                                    agent="", now=clock.now)
    assert sorted(m.to[0] for m in mailoutbox) == ["nora@northwind.example", "olaf@northwind.example"]
    assert "From: IP address" not in mailoutbox[0].body  # no address known: no line


def test_a_rolled_back_notice_sends_nothing_and_keeps_the_hour_free(clock, nora, commit, mailoutbox):
    from django.db import transaction

    with pytest.raises(RuntimeError), commit(), transaction.atomic():
        password_notice.send(nora.pk, reason="left", wrong_codes=1, started_at=clock.now, ip=IP, agent="",
                             now=clock.now)
        raise RuntimeError("the surrounding change failed")
    assert mailoutbox == [] and notices() == []
    with commit():
        assert password_notice.send(nora.pk, reason="left", wrong_codes=1, started_at=clock.now, ip=IP, agent="",
                                    now=clock.now) is True


@pytest.mark.redis
def test_in_production_the_left_check_is_a_scheduled_rq_job(clock, nora, attacker, commit, mailoutbox):
    with unique_queue() as queue:
        with commit():
            post_code(attacker, wrong(nora, clock.now))
        registry = queue.scheduled_job_registry
        (job_id,) = registry.get_job_ids()
        job = queue.fetch_job(job_id)
        assert (job.func_name, job.description) == ("twostep.mfa.signin.password_notice.check_left",) * 2
        assert 295 <= (registry.get_scheduled_time(job_id) - datetime.now(UTC)).total_seconds() <= 305
        assert attacker.session.session_key not in repr(job.args)  # sealed: Redis never sees the session key
        clock.advance(306)
        registry.schedule(job, datetime.now(UTC))  # RQ's scheduler keeps the wall clock: make it due now
        with commit():
            run_rqworker(queue)
    assert "It was left unfinished after 1 wrong code" in the_mail(mailoutbox)
    assert notices() == [(nora.pk, None, IP, FIREFOX, {"reason": "left", "wrong_codes": 1})]


@pytest.mark.parametrize("agent, label", [
    (FIREFOX, "Firefox on Windows"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile "
     "Safari/537.36", "Chrome Mobile on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Mobile Safari on iOS"),
    ("python-requests/2.31", "Python Requests"),
    ("Visit evil.example/secure now", UNKNOWN),
    ("", UNKNOWN),
])
def test_browser_label_names_only_known_browsers(agent, label):
    assert browser_label(agent) == label
