"""A code is accepted only from the step the app shows by its learned clock offset and the one before it (or
the current one alone): a code of another step near ours is refused and counted, with a message about the
phone's clock; the offset is learned at setup and from two agreeing codes; a clock answer never hands out a
code that works later."""

import html

import pytest
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password, prove_mailbox
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import services
from twostep.mfa.models import Authenticator
from twostep.mfa.signin import pending

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def failures_of(user) -> int:
    """Consecutive wrong guesses of the user's second factors (the shared back-off, ``lockout``)."""
    from twostep.mfa.models import FactorThrottle

    row = FactorThrottle.objects.filter(user=user).first()
    return row.failures if row else 0


def authenticator_of(user) -> Authenticator:
    return Authenticator.objects.get(user=user, confirmed_at__isnull=False)


def failures(user) -> list[dict]:
    return list(AuditEvent.objects.filter(subject_id=user.pk, action="mfa.code_failed").order_by("id")
                .values_list("detail", flat=True))


def verify(user, clock, offset_steps: int):
    """``services.verify_code`` with the code ``offset_steps`` steps from ours; the error, or None."""
    try:
        services.verify_code(user, code_for(user, clock.now, offset_steps=offset_steps), now=clock.now)
    except services.MfaError as exc:
        return exc
    return None


@pytest.mark.parametrize("offset", [1, -3])
def test_a_code_from_a_clock_that_is_off_is_refused_counted_and_explained(client, clock, member, enrolled, offset):
    enrolled(member)
    clock.advance(600)  # the steps before ours are not used up by the setup
    post_password(client, "member@acme.example")
    response = post_code(client, code_for(member, clock.now, offset_steps=offset))
    assert response.status_code == 400
    assert response.context["form"].has_error("code", "clock_skew") and response.context["attempts_left"] == 4
    assert client.session[pending.SESSION_KEY]["attempts"] == 1
    authenticator = authenticator_of(member)
    step = clock.now // 30 + offset
    assert (authenticator.clock_step, authenticator.clock_drift, failures_of(member)) == (step, offset, 1)
    assert failures(member) == [{"reason": "invalid_code", "failures": 1, "clock_offset": offset, "factor": "totp"}]
    assert post_code(client, code_for(member, clock.now)).status_code == 302  # the right code still works


@pytest.mark.parametrize("offset", [11, -12, 30])
def test_a_code_from_further_off_is_a_plain_wrong_code(clock, member, enrolled, offset):
    enrolled(member)
    error = verify(member, clock, offset)
    assert error.code == "invalid_code"  # not "clock_skew"
    assert failures(member) == [{"reason": "invalid_code", "failures": 1, "factor": "totp"}]
    assert authenticator_of(member).clock_step is None


def test_the_next_step_is_never_accepted_before_the_app_shows_it(clock, member, enrolled):
    enrolled(member)
    assert isinstance(verify(member, clock, 1), services.ClockSkewError)
    clock.advance(30)  # now the app shows it: it was answered about, so it stays refused, as a used code
    error = verify(member, clock, 0)
    assert isinstance(error, services.ReplayedCodeError)
    assert failures_of(member) == 1  # not counted again
    clock.advance(30)
    assert verify(member, clock, 0) is None


def test_a_clock_answer_is_given_once_while_its_code_could_still_be_accepted(clock, member, enrolled):
    enrolled(member)
    assert verify(member, clock, 3).code == "clock_skew"
    second = verify(member, clock, 5)
    assert second.code == "invalid_code"
    assert authenticator_of(member).clock_step == clock.now // 30 + 3
    assert [detail.get("clock_offset") for detail in failures(member)] == [3, None]


def test_with_current_only_the_steps_own_code_works_and_a_late_one_is_told_it_changed(settings, client, clock,
                                                                                      member, enrolled):
    settings.TWOSTEP_TOTP_ACCEPT = "current"
    enrolled(member)
    post_password(client, "member@acme.example")
    late = post_code(client, code_for(member, clock.now, offset_steps=-1))
    assert late.status_code == 400 and late.context["form"].has_error("code", "clock_skew")
    assert late.context["attempts_left"] == 4 and failures(member)[-1]["clock_offset"] == -1
    assert post_code(client, code_for(member, clock.now)).status_code == 302


def test_two_codes_at_the_same_offset_teach_it_and_it_stays(clock, member, enrolled):
    enrolled(member)
    assert verify(member, clock, 3).code == "clock_skew"  # the phone is 90 s ahead
    clock.advance(30)
    assert verify(member, clock, 3) is None  # its next code: the offset is learned
    authenticator = authenticator_of(member)
    assert (authenticator.drift, authenticator.clock_drift, failures_of(member)) == (3, None, 0)
    clock.advance(3600)
    assert verify(member, clock, 3) is None
    assert isinstance(verify(member, clock, 4), services.ClockSkewError)  # never a step past the app's


def test_a_phone_set_back_to_automatic_is_told_its_clock_changed_then_learned(clock, member, enrolled):
    enrolled(member)
    Authenticator.objects.filter(user=member).update(drift=3)
    error = verify(member, clock, 0)
    assert (error.code, error.offset) == ("clock_skew", 0)  # our own step, not the learned one
    clock.advance(30)
    assert verify(member, clock, 0) is None
    assert authenticator_of(member).drift == 0


def test_a_replayed_code_is_still_refused_exactly(clock, member, enrolled):
    enrolled(member)
    assert verify(member, clock, 0) is None
    assert isinstance(verify(member, clock, 0), services.ReplayedCodeError)
    assert isinstance(verify(member, clock, -1), services.ReplayedCodeError)  # an earlier step after a later one
    assert authenticator_of(member).last_used_step == clock.now // 30


def start(user, clock):
    enrollments.start_enrollment(user, binding="tab", now=clock.now)


@pytest.mark.parametrize("window, offset, learned", [(1, -1, 0), (1, 0, 0), (1, 1, 1), (2, 2, 2), (2, -2, -1)])
def test_the_confirming_code_teaches_the_offset(settings, clock, member, window, offset, learned):
    settings.TWOSTEP_TOTP_WINDOW = window
    start(member, clock)
    confirmed = enrollments.confirm_enrollment(member, code_for(member, clock.now, offset_steps=offset),
                                               binding="tab", now=clock.now)
    assert (confirmed.drift, confirmed.last_used_step) == (learned, clock.now // 30 + offset)


def test_a_setup_code_from_outside_the_window_is_told_about_the_clock_and_confirms_nothing(client, clock, member):
    start(member, clock)
    with pytest.raises(enrollments.SetupClockError) as caught:
        enrollments.confirm_enrollment(member, code_for(member, clock.now, offset_steps=-2), binding="tab",
                                       now=clock.now)
    assert (caught.value.code, caught.value.offset) == ("clock_skew", -2)
    with pytest.raises(services.InvalidCodeError) as wrong:
        enrollments.confirm_enrollment(member, code_for(member, clock.now, offset_steps=11), binding="tab",
                                       now=clock.now)
    assert wrong.value.code == "invalid_code"
    assert not Authenticator.objects.filter(user=member, confirmed_at__isnull=False).exists()
    assert enrollments.confirm_enrollment(member, code_for(member, clock.now), binding="tab", now=clock.now)


def test_the_setup_page_shows_the_clock_message_and_the_same_secret_stays(client, clock, member):
    post_password(client, "member@acme.example")
    prove_mailbox(client)
    client.get(reverse("mfa:setup"))
    response = post_code(client, code_for(member, clock.now, offset_steps=-2), url="mfa:setup_confirm")
    assert response.status_code == 400 and response.context["form"].has_error("code", "clock_skew")
    assert Authenticator.objects.get(user=member).confirmed_at is None
    done = post_code(client, code_for(member, clock.now), url="mfa:setup_confirm")
    assert done.status_code == 200 and "Your authenticator app is set up" in page(done)
    assert authenticator_of(member).drift == 0
