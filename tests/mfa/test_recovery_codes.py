"""Recovery codes as data and use cases: format, keyed hashes, single use, the shared back-off, new sets."""

import math
import re
from datetime import timedelta

import pytest

from tests.conftest import set_throttle, throttle_of
from tests.signin_helpers import enroll_with_codes
from twostep import otp
from twostep.audit.models import AuditEvent
from twostep.mfa import enrollment as enrollments
from twostep.mfa import recovery, recovery_codes, services
from twostep.mfa.models import Authenticator, RecoveryCode

pytestmark = pytest.mark.django_db
SHOWN = re.compile(r"^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$")


@pytest.fixture
def member(make_user):
    return make_user("member@acme.example")


def events_of(user):
    return list(AuditEvent.objects.filter(subject_id=user.pk).order_by("id").values_list("action", "outcome", "detail"))


def test_each_code_carries_fifty_bits():
    assert recovery_codes.LENGTH * math.log2(len(recovery_codes.ALPHABET)) == 50
    assert len(set(recovery_codes.ALPHABET)) == 32 and not set("ilou") & set(recovery_codes.ALPHABET)


def test_setup_issues_ten_distinct_codes_stored_only_as_keyed_hashes(member, codes):
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(SHOWN.match(code) for code in codes)
    stored = list(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert len(stored) == 10 and all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in stored)
    plain = {code.replace("-", "") for code in codes}
    assert not any(text in digest for digest in stored for text in plain)
    assert sorted(stored) == sorted(recovery_codes.code_hash(member.pk, text) for text in plain)


def test_setup_audits_the_new_set_without_the_codes(member, codes):
    assert events_of(member) == [
        ("mfa.setup_started", "success", {"discarded_other": False, "expires_in": 900}),
        ("mfa.enrolled", "success", {"authenticator_id": Authenticator.objects.get(user=member).pk}),
        ("mfa.recovery_codes_generated", "success", {"count": 10, "reason": "enrollment"}),
    ]


@pytest.mark.parametrize("typed, normalized", [
    ("abcde-fghjk", "abcdefghjk"), ("ABCDE-FGHJK", "abcdefghjk"), ("  abcde fghjk ", "abcdefghjk"),
    ("abcdefghjk", "abcdefghjk"), ("a-b-c-d-e-f-g-h-j-k", "abcdefghjk"), ("oOiIl-12345", "0011112345"),
])
def test_input_is_normalized(typed, normalized):
    assert recovery_codes.normalize(typed) == normalized


@pytest.mark.parametrize("typed", ["", "abcde-fghj", "abcde-fghjkm", "abcde-fghju", "abcde_fghjk", "١٢٣٤٥-٦٧٨٩٠",
                                   "123456"])
def test_what_cannot_be_a_code_is_malformed(typed):
    assert recovery_codes.normalize(typed) is None
    with pytest.raises(recovery.MalformedRecoveryCodeError):
        recovery.parse(typed)


def test_hash_is_keyed_and_bound_to_the_user():
    digest = recovery_codes.code_hash(1, "abcdefghjk")
    assert digest == recovery_codes.code_hash(1, "abcdefghjk")
    assert digest != recovery_codes.code_hash(2, "abcdefghjk")
    assert digest != recovery_codes.code_hash(1, "abcdefghjk", secret="another key")


def test_a_code_works_once_and_a_second_use_fails(clock, member, codes):
    assert recovery.use_recovery_code(member, codes[0], now=clock.now) == 9
    assert RecoveryCode.objects.get(user=member, used_at__isnull=False).used_at == clock.moment
    with pytest.raises(recovery.UsedRecoveryCodeError):
        recovery.use_recovery_code(member, codes[0], now=clock.now + 1)
    assert recovery.remaining_recovery_codes(member) == 9
    assert events_of(member)[3:] == [
        ("mfa.recovery_code_used", "success", {"purpose": "signin", "remaining": 9, "cleared_lockout": False}),
        # Right once, used up: refused but not counted (no "failures"), like a replayed TOTP code.
        ("mfa.code_failed", "failure",
         {"reason": "used_recovery_code", "factor": "recovery_code", "purpose": "signin"}),
    ]
    assert throttle_of(member).failures == 0


def test_the_conditional_update_lets_only_one_of_two_racing_uses_win(clock, member, codes):
    code = recovery_codes.normalize(codes[3])
    # Both requests found the code unused before either wrote: only the UPDATE's own condition decides.
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=True).count() == 10
    first = recovery_codes.claim(member, code, moment=clock.moment)
    second = recovery_codes.claim(member, code, moment=clock.moment)
    assert (first, second) == (True, False)
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=False).count() == 1


def test_any_spelling_of_a_code_is_accepted(clock, member, codes):
    typed = codes[1].upper().replace("-", " ")
    assert recovery.use_recovery_code(member, f"  {typed} ", now=clock.now) == 9


def test_wrong_code_and_another_users_code_are_refused(clock, make_user, member, codes):
    other = make_user("other@acme.example")
    other_codes = enroll_with_codes(other, now=clock.now - 60)
    for typed in ("00000-00000", other_codes[0]):
        with pytest.raises(recovery.InvalidRecoveryCodeError):
            recovery.use_recovery_code(member, typed, now=clock.now)
    assert recovery.remaining_recovery_codes(member) == recovery.remaining_recovery_codes(other) == 10
    assert [e[:2] for e in events_of(member)[3:]] == [("mfa.code_failed", "failure")] * 2
    # Wrong codes count toward the back-off all second factors share: the events say which try it was.
    assert [e[2] for e in events_of(member)[3:]] == [
        {"reason": "invalid_recovery_code", "failures": n, "factor": "recovery_code", "purpose": "signin"}
        for n in (1, 2)]


def test_malformed_code_changes_nothing_and_is_not_audited(clock, member, codes):
    with pytest.raises(recovery.MalformedRecoveryCodeError):
        recovery.use_recovery_code(member, "not a code", now=clock.now)
    assert len(events_of(member)) == 3 and recovery.remaining_recovery_codes(member) == 10


def test_a_recovery_code_after_the_wait_resets_the_shared_back_off(clock, member, codes):
    set_throttle(member, failures=7, throttled_until=clock.moment + timedelta(minutes=2))
    with pytest.raises(services.ThrottledError) as caught:  # during the wait nothing is checked, not even this
        recovery.use_recovery_code(member, codes[0], now=clock.now, purpose=recovery.STEP_UP)
    assert caught.value.retry_after == 120 and recovery.remaining_recovery_codes(member) == 10
    clock.advance(120)
    with pytest.raises(recovery.InvalidRecoveryCodeError) as caught:
        recovery.use_recovery_code(member, "00000-00000", now=clock.now)
    assert caught.value.retry_after == 240 and throttle_of(member).failures == 8
    clock.advance(240)
    assert recovery.use_recovery_code(member, codes[0], now=clock.now, purpose=recovery.STEP_UP) == 9
    throttle = throttle_of(member)
    assert (throttle.failures, throttle.throttled_until, throttle.locked_at) == (0, None, None)
    assert events_of(member)[3:] == [
        ("mfa.throttled", "failure", {"reason": "throttled", "retry_after": 120, "factor": "recovery_code",
                                      "purpose": "stepup"}),
        ("mfa.code_failed", "failure", {"reason": "invalid_recovery_code", "failures": 8, "factor": "recovery_code",
                                        "purpose": "signin"}),
        ("mfa.recovery_code_used", "success", {"purpose": "stepup", "remaining": 9, "cleared_lockout": True})]


def test_a_lock_refuses_even_a_right_recovery_code(clock, member, codes):
    set_throttle(member, failures=100, locked_at=clock.moment)
    with pytest.raises(services.LockedError):
        recovery.use_recovery_code(member, codes[0], now=clock.now + 86_400)
    assert recovery.remaining_recovery_codes(member) == 10 and throttle_of(member).locked_at == clock.moment
    assert events_of(member)[-1] == (
        "mfa.throttled", "failure", {"reason": "locked", "retry_after": 0, "factor": "recovery_code",
                                     "purpose": "signin"})


def test_a_new_set_voids_the_old_one(clock, member, codes):
    new = recovery.regenerate_recovery_codes(member, now=clock.now)
    assert len(new) == 10 and not set(new) & set(codes)
    assert RecoveryCode.objects.filter(user=member).count() == 10
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, codes[0], now=clock.now)
    assert recovery.use_recovery_code(member, new[0], now=clock.now) == 9
    assert events_of(member)[3] == ("mfa.recovery_codes_generated", "success", {"count": 10, "reason": "regenerated"})


def test_no_new_set_without_an_authenticator(clock, member):
    with pytest.raises(services.NoAuthenticatorError):
        recovery.regenerate_recovery_codes(member, now=clock.now)
    assert not RecoveryCode.objects.exists() and not AuditEvent.objects.exists()


def test_replacing_the_authenticator_issues_a_new_set(clock, member, codes):
    enrollment = enrollments.start_enrollment(member, binding="fixture", now=clock.now)
    assert recovery.use_recovery_code(member, codes[0], now=clock.now) == 9  # old set works until confirmed
    new = enrollments.confirm_enrollment(member, otp.totp(enrollment.secret, now=clock.now), binding="fixture",
                                         now=clock.now)
    assert len(new.recovery_codes) == 10 and recovery.remaining_recovery_codes(member) == 10
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, codes[1], now=clock.now)


def test_codes_survive_a_secret_key_rotation_with_fallbacks(settings, clock, member, codes):
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a new secret key that is long enough for the tests of twostep"
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, codes[0], now=clock.now)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert recovery.use_recovery_code(member, codes[0], now=clock.now) == 9
