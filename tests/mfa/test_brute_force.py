"""Brute force: 200 wrong codes at one account over HTTP, waiting out every back-off with the injected clock.

Expected, exactly: no wait for the first 5 wrong codes, then Retry-After 30, 60, 120, 240, 480 and 900 s
until the 100th wrong code locks MFA (81,930 s after the first: the README's bound); every later try, even
the correct code, gets the locked page without a code being checked.
"""

import pytest
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password, throttle_of
from twostep.audit.models import AuditEvent
from twostep.mfa.signin import pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user, make_org, require_mfa, enrolled):
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    enrolled(user)
    return user


class Attacker:
    """Knows the password, guesses codes, signs in again whenever the pending sign-in is over."""

    def __init__(self, client, clock, user):
        self.client, self.clock, self.user = client, clock, user
        self.password_steps = 0

    def wrong_code(self) -> str:
        # Not a code of any step near now: a clock answer would be a wrong code too, but worded otherwise.
        valid = {code_for(self.user, self.clock.now, offset_steps=offset) for offset in range(-11, 11)}
        return next(code for code in ("000000", "111111", "222222") if code not in valid)

    def submit(self, code: str):
        state = self.client.session.get(pending.SESSION_KEY)
        if state is None or self.clock.now - state["started_at"] > 300:
            if state is not None:  # the expired one is cleared at the next request, with "took too long"
                assert self.client.get(reverse("mfa:code"))["Location"] == reverse("mfa:signin")
            assert post_password(self.client, "member@acme.example")["Location"] == reverse("mfa:code")
            self.password_steps += 1
        return post_code(self.client, code)


def test_two_hundred_wrong_codes(client, clock, member):
    attacker = Attacker(client, clock, member)
    start = clock.now
    statuses, waits, locked_at = [], [], None
    for guess in range(1, 201):
        response = attacker.submit(attacker.wrong_code())
        if response.status_code == 429:
            waits.append(int(response["Retry-After"]))
            assert response.context["wait"].startswith(f"{waits[-1] if waits[-1] < 60 else waits[-1] // 60} ")
            clock.advance(waits[-1])
            response = attacker.submit(attacker.wrong_code())
        statuses.append(response.status_code)
        if response.status_code == 403 and locked_at is None:
            locked_at = (guess, clock.now - start)

    assert waits == [30, 60, 120, 240, 480] + [900] * 90
    # 1-4 re-render, the 5th ends the first pending sign-in, 6-99 re-render, the 100th locks.
    assert statuses == [400] * 4 + [302] + [400] * 94 + [403] * 101
    assert locked_at == (100, 81_930)
    # Pending sign-ins: 1-5, 6-8 (the 9th comes after 450 s > 5 minutes), then one per guess 9..100.
    assert attacker.password_steps == 94

    throttle = throttle_of(member)
    assert throttle.failures == 100 and throttle.locked_at.timestamp() == start + 81_930

    correct = post_code(client, code_for(member, clock.now))
    assert correct.status_code == 403 and correct.templates[0].name == "mfa/locked.html"
    assert client.session.get("_auth_user_id") is None

    trail = AuditEvent.objects.filter(subject_id=member.pk)
    assert trail.filter(action="mfa.code_failed", detail__reason="invalid_code").count() == 100
    assert list(trail.filter(action="mfa.code_failed").order_by("id").values_list("detail__failures", flat=True)
                ) == list(range(1, 101))
    assert trail.filter(action="mfa.throttled", detail__reason="throttled").count() == 95
    assert trail.filter(action="mfa.throttled", detail__reason="locked").count() == 101
    assert list(trail.filter(action="mfa.locked").values_list("outcome", "detail__failures")) == [("failure", 100)]
    assert not trail.filter(action="signin.succeeded").exists()
    # The user is told "password right, code missing" at most once an hour: over the 22 h 45 min, 23 times.
    told = list(trail.filter(action="mfa.password_without_code_notice").order_by("id")
                .values_list("occurred_at", flat=True))
    assert len(told) == 23 and told[0].timestamp() - start < 300
    assert min(later - earlier for earlier, later in zip(told, told[1:], strict=False)).total_seconds() >= 3600
    # the +3: setup started, enrolled and recovery codes generated
    assert trail.count() == 100 + 95 + 101 + 1 + 23 + 3
