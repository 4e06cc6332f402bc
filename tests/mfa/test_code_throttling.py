"""Wrong codes per user: back-off after 5, lockout at 100, reset by a correct code; only ``lockout.clear``
(support's reset) lifts the lock."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password, set_throttle, throttle_of
from twostep.audit.models import AuditEvent
from twostep.mfa import lockout
from twostep.mfa.authenticators import services
from twostep.mfa.models import Authenticator

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user, make_org, require_mfa, enrolled):
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    enrolled(user)
    return user


def wrong_code(user, now: int) -> str:
    """A code of no time step near ``now``: a wrong code, not one from a phone whose clock is off."""
    valid = {code_for(user, now, offset_steps=offset) for offset in range(-11, 11)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def fail(user, clock, times: int = 1) -> services.MfaError:
    for _ in range(times):
        with pytest.raises(services.MfaError) as caught:
            services.verify_code(user, wrong_code(user, clock.now), now=clock.now)
    return caught.value


def actions(user) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(subject_id=user.pk).order_by("id")
                .values_list("action", "detail__reason"))


def test_four_wrong_codes_cost_nothing_the_fifth_starts_a_30_second_wait(clock, member):
    errors = [fail(member, clock) for _ in range(5)]
    assert [type(e) for e in errors] == [services.InvalidCodeError] * 5
    assert [e.retry_after for e in errors] == [0, 0, 0, 0, 30]
    throttle = throttle_of(member)
    assert throttle.failures == 5 and throttle.throttled_until.timestamp() == clock.now + 30


def test_a_throttled_try_checks_no_code_not_even_a_correct_one(clock, member):
    fail(member, clock, 5)
    clock.advance(29)
    with pytest.raises(services.ThrottledError) as caught:
        services.verify_code(member, code_for(member, clock.now), now=clock.now)
    assert caught.value.retry_after == 1 and caught.value.code == "throttled"
    assert throttle_of(member).failures == 5
    assert Authenticator.objects.get(user=member).last_used_step == (clock.now - 29 - 60) // 30
    assert actions(member)[-1] == ("mfa.throttled", "throttled")


def test_wait_doubles_to_fifteen_minutes(clock, member):
    fail(member, clock, 5)
    waits = []
    for _ in range(7):
        clock.advance(lockout.status_for(member, now=clock.now).retry_after)
        waits.append(fail(member, clock).retry_after)
    assert waits == [60, 120, 240, 480, 900, 900, 900]


def test_a_correct_code_after_the_wait_resets_the_counter(clock, member):
    fail(member, clock, 6)
    clock.advance(60)
    assert services.verify_code(member, code_for(member, clock.now), now=clock.now) == clock.now // 30
    throttle = throttle_of(member)
    assert throttle.failures == 0 and throttle.throttled_until is None
    assert fail(member, clock).retry_after == 0


def test_a_replayed_code_is_refused_but_not_counted_as_a_guess(clock, member):
    code = code_for(member, clock.now)
    services.verify_code(member, code, now=clock.now)
    for _ in range(6):
        with pytest.raises(services.ReplayedCodeError):
            services.verify_code(member, code, now=clock.now)
    assert throttle_of(member).failures == 0


def test_the_hundredth_wrong_code_locks_until_clear(clock, member):
    set_throttle(member, failures=98)
    assert isinstance(fail(member, clock), services.InvalidCodeError)
    clock.advance(900)
    locked = fail(member, clock)
    assert isinstance(locked, services.LockedError) and locked.code == "locked"
    throttle = throttle_of(member)
    assert throttle.failures == 100 and throttle.locked_at.timestamp() == clock.now
    assert throttle.throttled_until is None
    assert actions(member)[-2:] == [("mfa.code_failed", "invalid_code"), ("mfa.locked", None)]
    clock.advance(86_400)
    with pytest.raises(services.LockedError):
        services.verify_code(member, code_for(member, clock.now), now=clock.now)
    assert actions(member)[-1] == ("mfa.throttled", "locked")
    assert lockout.clear(member) is True
    assert services.verify_code(member, code_for(member, clock.now), now=clock.now) == clock.now // 30
    assert (throttle_of(member).failures, throttle_of(member).locked_at) == (0, None)


def test_lock_threshold_is_a_setting(clock, member, settings):
    settings.TWOSTEP_CODE_LOCK_AFTER = 3
    assert [type(fail(member, clock)) for _ in range(3)] == [services.InvalidCodeError, services.InvalidCodeError,
                                                             services.LockedError]


# --- what the user sees -----------------------------------------------------------------------------------

def test_code_page_answers_429_with_retry_after_and_keeps_the_pending_tries(client, clock, member):
    fail(member, clock, 5)
    post_password(client, "member@acme.example")
    clock.advance(12)
    page = client.get(reverse("mfa:code"))
    assert page.status_code == 200 and page.context["wait"] == "18 seconds"
    response = post_code(client, code_for(member, clock.now))
    assert response.status_code == 429 and response["Retry-After"] == "18"
    assert response.context["wait"] == "18 seconds" and 'name="code"' in response.content.decode()
    assert client.session["twostep_pending"]["attempts"] == 0
    clock.advance(18)
    ok = post_code(client, code_for(member, clock.now))
    assert ok.status_code == 302 and ok["Location"] == reverse("home")


def test_wrong_code_that_starts_a_wait_says_so(client, clock, member):
    fail(member, clock, 4)
    post_password(client, "member@acme.example")
    response = post_code(client, wrong_code(member, clock.now))
    assert response.status_code == 400
    assert response.context["form"].has_error("code", "invalid_code") and response.context["wait"] == "30 seconds"


def test_locked_user_sees_how_to_get_help(client, clock, member):
    set_throttle(member, failures=99)
    post_password(client, "member@acme.example")
    response = post_code(client, wrong_code(member, clock.now))
    assert response.status_code == 403 and response.templates[0].name == "mfa/locked.html"
    assert reverse("mfa:recovery") not in response.content.decode()  # no recovery code is offered
    again = client.get(reverse("mfa:code"))
    assert again.status_code == 403 and again.templates[0].name == "mfa/locked.html"
    assert post_code(client, code_for(member, clock.now)).status_code == 403
    assert client.session.get("_auth_user_id") is None


# --- step-up shares the counter -----------------------------------------------------------------------------

@pytest.fixture
def signed_in(client, clock, member):
    post_password(client, "member@acme.example")
    assert post_code(client, code_for(member, clock.now)).status_code == 302
    clock.advance(30)
    return member


def stepup(client, code: str, password: str = PASSWORD):
    return client.post(reverse("mfa:stepup"), {"password": password, "code": code, "next": "/"})


def test_step_up_code_is_throttled_with_429(client, clock, signed_in):
    for _ in range(5):
        assert stepup(client, wrong_code(signed_in, clock.now)).status_code == 400
    response = stepup(client, code_for(signed_in, clock.now))
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert response.context["form"].has_error("code", "throttled")
    clock.advance(30)
    assert stepup(client, code_for(signed_in, clock.now)).status_code == 302
    assert list(AuditEvent.objects.filter(action="stepup").order_by("id").values_list("outcome", "detail__reason")
                ) == [("failure", "invalid")] * 5 + [("failure", "throttled"), ("success", None)]


def test_step_up_when_locked_shows_the_help_page(client, clock, signed_in):
    set_throttle(signed_in, failures=99)
    response = stepup(client, wrong_code(signed_in, clock.now))
    assert response.status_code == 403 and response.templates[0].name == "mfa/locked.html"
    assert client.get(reverse("mfa:stepup")).status_code == 403
    assert response.context["pending"] is False  # signed in: back home, not "cancel the sign-in"


def test_step_up_password_is_throttled_and_then_no_code_is_checked(client, clock, signed_in):
    statuses = [stepup(client, wrong_code(signed_in, clock.now), password="not the password").status_code
                for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    response = stepup(client, code_for(signed_in, clock.now))
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert response.context["form"].has_error("password", "throttled")
    assert throttle_of(signed_in).failures == 0
    clock.advance(30)
    assert stepup(client, code_for(signed_in, clock.now)).status_code == 302


@pytest.mark.parametrize("name, value, error", [
    ("TWOSTEP_CODE_LOCK_AFTER", 101, "twostep.E020"), ("TWOSTEP_THROTTLE_FREE_FAILURES", 0, "twostep.E021"),
    ("TWOSTEP_THROTTLE_BASE_DELAY", 1000, "twostep.E022"), ("TWOSTEP_PROXY_COUNT", -1, "twostep.E023"),
])
def test_start_up_check_refuses_unsafe_throttle_settings(settings, name, value, error):
    from twostep.mfa.checks import check_mfa_settings

    assert check_mfa_settings(None) == []
    setattr(settings, name, value)
    assert [e.id for e in check_mfa_settings(None)] == [error]
