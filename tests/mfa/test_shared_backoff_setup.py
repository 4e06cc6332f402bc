"""Before a first enrollment the mailbox codes and the temporary access passes are second factors too: they count
in the one back-off of the user, over HTTP, and a lock there is lifted only by support's reset."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import mailed_code, post_password, set_throttle, throttle_of
from twostep.audit.models import AuditEvent
from twostep.mfa.mailbox import access_passes
from twostep.mfa.models import AccessPass, FactorThrottle
from twostep.mfa.recovery import reset

pytestmark = pytest.mark.django_db
MAILBOX = reverse("mfa:setup_mailbox")


def at_mailbox_step(client, member):
    """Password, then the mailbox page, which mails a code; returns the code."""
    assert post_password(client, member.email)["Location"] == reverse("mfa:setup")
    assert client.get(reverse("mfa:setup"))["Location"] == MAILBOX
    assert client.get(MAILBOX).status_code == 200
    return mailed_code(mail.outbox[-1]).replace(" ", "")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def post_code(client, code: str):
    return client.post(MAILBOX, {"action": "code", "code": code})


def post_pass(client, text: str):
    return client.post(MAILBOX, {"action": "access_pass", "access_pass": text})


def trail(member) -> list[tuple[str, dict]]:
    return list(AuditEvent.objects.filter(subject_id=member.pk).exclude(action="mfa.access_pass_issued")
                .order_by("id").values_list("action", "detail"))


def test_mailbox_codes_and_access_passes_share_one_back_off(client, clock, member):
    text, _ = access_passes.issue_access_pass(member, actor="support", reason="no mail on site", now=clock.now)
    code = at_mailbox_step(client, member)
    assert [post_code(client, wrong(code)).status_code for _ in range(3)] == [400] * 3
    assert post_pass(client, "AAAA-BBBB-CCCC-DDDD").status_code == 400
    fifth = post_pass(client, "AAAA-BBBB-CCCC-EEEE")
    assert fifth.status_code == 400 and fifth.context["wait"] == "30 seconds"
    assert fifth.context["pass_form"].has_error("access_pass", "invalid_access_pass")
    for refused in (post_code(client, code), post_pass(client, text)):  # right ones, not checked
        assert (refused.status_code, refused["Retry-After"]) == (429, "30")
        assert refused.context["wait"] == "30 seconds"
    assert client.get(reverse("mfa:setup"))["Location"] == MAILBOX
    assert AccessPass.objects.get().used_at is None
    clock.advance(30)
    used = post_pass(client, text)
    assert (used.status_code, used["Location"]) == (302, reverse("mfa:setup"))
    assert (throttle_of(member).failures, throttle_of(member).throttled_until) == (0, None)
    assert trail(member) == [
        ("mfa.mailbox_code_sent", {}),
        *[("mfa.code_failed", {"reason": "invalid_mailbox_code", "failures": n, "factor": "mailbox_code"})
          for n in (1, 2, 3)],
        *[("mfa.code_failed", {"reason": "invalid_access_pass", "failures": n, "factor": "access_pass"})
          for n in (4, 5)],
        ("mfa.throttled", {"reason": "throttled", "retry_after": 30, "factor": "mailbox_code"}),
        ("mfa.throttled", {"reason": "throttled", "retry_after": 30, "factor": "access_pass"}),
        ("mfa.access_pass_used", {}),
    ]


def test_an_expired_mailed_code_is_refused_without_counting(client, clock, member, settings):
    settings.TWOSTEP_MAILBOX_CODE_LIFETIME = 300
    code = at_mailbox_step(client, member)
    clock.advance(301)
    late = post_code(client, code)
    assert late.status_code == 400 and late.context["form"].has_error("code", "mailbox_code_expired")
    assert throttle_of(member).failures == 0
    assert trail(member)[-1] == ("mfa.code_failed", {"reason": "mailbox_code_expired", "factor": "mailbox_code"})


def test_a_lock_at_the_mailbox_step_refuses_every_way_until_support_resets(client, clock, member):
    set_throttle(member, failures=99)
    text, _ = access_passes.issue_access_pass(member, actor="support", reason="no mail on site", now=clock.now)
    code = at_mailbox_step(client, member)
    locked = post_code(client, wrong(code))
    assert locked.status_code == 403 and locked.templates[0].name == "mfa/locked.html"
    mails = len(mail.outbox)
    assert client.get(MAILBOX).status_code == 403 and len(mail.outbox) == mails  # no code is mailed for nothing
    assert post_code(client, code).status_code == 403
    assert post_pass(client, text).status_code == 403
    assert client.post(MAILBOX, {"action": "resend"}).status_code == 403 and len(mail.outbox) == mails
    assert AccessPass.objects.get().used_at is None and throttle_of(member).locked_at == clock.moment
    assert trail(member)[-2:] == [
        ("mfa.code_failed", {"reason": "invalid_mailbox_code", "failures": 100, "factor": "mailbox_code"}),
        ("mfa.locked", {"failures": 100, "factor": "mailbox_code"})]

    # No authenticator and no recovery codes, yet there is something to reset: the lock.
    assert reset.has_factors(member)
    removed = reset.reset_mfa(member, actor="support", reason="identity checked on a video call",
                              identity_check="other", now=clock.now)
    assert (removed.authenticators, removed.recovery_codes, removed.cleared_lockout) == (0, 0, True)
    assert not FactorThrottle.objects.filter(user=member).exists() and not reset.has_factors(member)
    fresh = Client()
    code = at_mailbox_step(fresh, member)
    assert post_code(fresh, code)["Location"] == reverse("mfa:setup")
