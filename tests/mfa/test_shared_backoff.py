"""One back-off for every second factor, over HTTP: wrong TOTP codes and wrong recovery codes count together,
at sign-in and at step-up, and a new password step buys no guess. An attacker who alternates the two factors
and signs in again whenever the pending sign-in ends still gets exactly the README's 100 guesses, the 100th
81,930 s after the first, and then none: a lock refuses the right recovery code too, until support resets MFA.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password, set_throttle, throttle_of
from tests.signin_helpers import force_sign_in
from twostep.audit.models import AuditEvent
from twostep.mfa import lockout
from twostep.mfa.models import FactorThrottle, RecoveryCode
from twostep.mfa.recovery import reset
from twostep.mfa.recovery import services as recovery
from twostep.mfa.signin import pending

pytestmark = pytest.mark.django_db
EMAIL = "member@acme.example"
TOTP, RECOVERY = "mfa:code", "mfa:recovery"


def wrong_totp(user, now: int) -> str:
    valid = {code_for(user, now, offset_steps=offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def submit(client, clock, user, url: str, *, right: str | None = None):
    """One guess at ``url`` (a wrong one unless ``right`` is given)."""
    if url == TOTP:
        return post_code(client, right or wrong_totp(user, clock.now))
    return client.post(reverse(RECOVERY), {"recovery_code": right or "00000-00000"})


def new_password_step(client) -> None:
    client.cookies.clear()  # a fresh browser: nothing of the last pending sign-in is left
    assert post_password(client, EMAIL)["Location"] == reverse("mfa:code")


def ensure_pending(client, clock) -> None:
    """Sign in with the password again when the pending sign-in is over (5 wrong codes) or ran out (5 min)."""
    state = client.session.get(pending.SESSION_KEY)
    if state is None or clock.now - state["started_at"] > 300:
        new_password_step(client)


def trail(user, action: str):
    return AuditEvent.objects.filter(subject_id=user.pk, action=action).order_by("id")


def unused_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def test_alternating_factors_and_new_password_steps_get_exactly_100_guesses_in_a_day(client, clock, member, codes):
    start, statuses, waits = clock.now, [], []
    for guess in range(1, 101):
        url, other = (TOTP, RECOVERY) if guess % 2 else (RECOVERY, TOTP)
        ensure_pending(client, clock)
        response = submit(client, clock, member, url)
        if response.status_code == 429:
            waits.append(int(response["Retry-After"]))
            # During the wait the other factor, and a new password step, get nothing checked: not even a right code.
            assert submit(client, clock, member, other)["Retry-After"] == str(waits[-1])
            new_password_step(client)
            right = codes[0] if url == RECOVERY else code_for(member, clock.now)
            refused = submit(client, clock, member, url, right=right)
            assert (refused.status_code, refused["Retry-After"]) == (429, str(waits[-1]))
            assert client.session[pending.SESSION_KEY]["attempts"] == 0  # no try of the pending sign-in used
            clock.advance(waits[-1])
            ensure_pending(client, clock)
            response = submit(client, clock, member, url)
        statuses.append(response.status_code)

    assert waits == [30, 60, 120, 240, 480] + [900] * 90
    assert statuses == [400] * 4 + [302] + [400] * 94 + [403]  # the 5th ended the first pending sign-in
    assert clock.now - start == 81_930  # the 100th guess; no 101st within the day (86,400 s)
    throttle = throttle_of(member)
    assert (throttle.failures, throttle.locked_at.timestamp(), throttle.throttled_until) == (100, start + 81_930, None)
    failed = list(trail(member, "mfa.code_failed").values_list("detail__failures", "detail__factor"))
    assert failed == [(n, "totp" if n % 2 else "recovery_code") for n in range(1, 101)]
    assert trail(member, "mfa.throttled").count() == 95 * 3
    assert list(trail(member, "mfa.locked").values_list("detail", flat=True)) == [
        {"failures": 100, "factor": "recovery_code", "purpose": "signin"}]

    # Locked: nothing is checked, not the right TOTP code, not a right recovery code, also a day later.
    clock.advance(86_400)
    new_password_step(client)
    assert submit(client, clock, member, TOTP, right=code_for(member, clock.now)).status_code == 403
    assert submit(client, clock, member, RECOVERY, right=codes[1]).status_code == 403
    assert client.get(reverse(RECOVERY)).status_code == 403
    assert unused_codes(member) == 10 and "_auth_user_id" not in client.session
    assert list(trail(member, "mfa.throttled").values_list("detail__reason", "detail__factor"))[-2:] == [
        ("locked", "totp"), ("locked", "recovery_code")]
    assert not trail(member, "signin.succeeded").exists() and not trail(member, "mfa.recovery_code_used").exists()

    # Support's reset is the way back: the lock goes with it, and the next sign-in sets MFA up again.
    removed = reset.reset_mfa(member, actor="support", reason="identity checked by video call",
                              identity_check="other", now=clock.now)
    assert removed.cleared_lockout and not FactorThrottle.objects.filter(user=member).exists()
    client.cookies.clear()
    assert post_password(client, EMAIL)["Location"] == reverse("mfa:setup")


def test_a_new_password_step_buys_no_recovery_code_guess(client, clock, member, codes):
    new_password_step(client)
    statuses = [submit(client, clock, member, RECOVERY).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 302]  # the 5th ends this pending sign-in and starts a 30 s wait
    new_password_step(client)
    clock.advance(10)
    page = client.get(reverse(RECOVERY))
    assert page.status_code == 200 and page.context["wait"] == "20 seconds"
    refused = submit(client, clock, member, RECOVERY, right=codes[0])  # even a right code is not checked
    assert (refused.status_code, refused["Retry-After"]) == (429, "20")
    assert refused.context["wait"] == "20 seconds"
    assert unused_codes(member) == 10 and client.session[pending.SESSION_KEY]["attempts"] == 0
    clock.advance(20)
    signed_in = submit(client, clock, member, RECOVERY, right=codes[0])
    assert (signed_in.status_code, signed_in["Location"]) == (302, reverse("home"))
    assert (throttle_of(member).failures, throttle_of(member).throttled_until) == (0, None)
    failed = [("mfa.code_failed", {"reason": "invalid_recovery_code", "failures": n, "factor": "recovery_code",
                                   "purpose": "signin"}) for n in range(1, 6)]
    assert list(AuditEvent.objects.filter(subject_id=member.pk).order_by("id").values_list("action", "detail"))[3:] == [
        *failed[:3], ("mfa.password_without_code_notice", {"reason": "wrong_codes", "wrong_codes": 3}), *failed[3:],
        ("mfa.throttled", {"reason": "throttled", "retry_after": 20, "factor": "recovery_code", "purpose": "signin"}),
        ("mfa.recovery_code_used", {"purpose": "signin", "remaining": 9, "cleared_lockout": True}),
        ("signin.succeeded", {"mfa": True}),
    ]


def stepup(client, **second_factor):
    return client.post(reverse("mfa:stepup"), {"password": PASSWORD, "next": "/", **second_factor})


def test_step_up_shares_the_wait_of_the_sign_in(client, clock, member, codes):
    attacker = Client()
    new_password_step(attacker)
    for _ in range(3):
        assert submit(attacker, clock, member, TOTP).status_code == 400
    assert submit(attacker, clock, member, RECOVERY).status_code == 400
    force_sign_in(client, member, verified_at=clock.now)  # the member's own session, opened earlier
    fifth = stepup(client, method="recovery", recovery_code="00000-00000")
    assert fifth.status_code == 400 and fifth.context["wait"] == "30 seconds"
    assert fifth.context["form"].has_error("recovery_code", "invalid_recovery_code")
    page = client.get(reverse("mfa:stepup") + "?method=recovery")
    assert page.status_code == 200 and page.context["wait"] == "30 seconds"
    for second_factor in ({"method": "recovery", "recovery_code": codes[0]}, {"code": code_for(member, clock.now)}):
        refused = stepup(client, **second_factor)
        assert (refused.status_code, refused["Retry-After"]) == (429, "30")
    clock.advance(30)
    assert stepup(client, method="recovery", recovery_code=codes[0])["Location"] == "/"
    assert throttle_of(member).failures == 0 and unused_codes(member) == 9
    assert list(trail(member, "stepup").values_list("outcome", "detail__reason")) == [
        ("failure", "invalid"), ("failure", "throttled"), ("failure", "throttled"), ("success", None)]
    assert list(trail(member, "mfa.throttled").values_list("detail__factor", "detail__purpose")) == [
        ("recovery_code", "stepup"), ("totp", None)]


def test_the_hundredth_wrong_guess_at_step_up_locks_every_factor(client, clock, member, codes):
    set_throttle(member, failures=99)
    force_sign_in(client, member, verified_at=clock.now)
    locked = stepup(client, method="recovery", recovery_code="00000-00000")
    assert locked.status_code == 403 and locked.templates[0].name == "mfa/locked.html"
    assert stepup(client, method="recovery", recovery_code=codes[0]).status_code == 403
    assert stepup(client, code=code_for(member, clock.now)).status_code == 403
    assert unused_codes(member) == 10 and lockout.status_for(member, now=clock.now).locked
    assert list(trail(member, "stepup").values_list("detail__reason", flat=True)) == ["locked"] * 3


def test_a_guard_that_refused_cannot_record_a_check(clock, member, codes):
    set_throttle(member, failures=5, throttled_until=clock.moment)
    with transaction.atomic():
        guard = lockout.acquire(member, factor="passkey", now=clock.now - 1)
        assert guard.refused.retry_after == 1
        for record in (guard.succeeded, lambda: guard.failed(recovery.InvalidRecoveryCodeError())):
            with pytest.raises(RuntimeError, match="a refused try checks nothing"):
                record()
    assert throttle_of(member).failures == 5
