"""Recovery codes as data and use cases: format, keyed hashes, single use, the shared back-off, new sets."""

import math
import re
from datetime import timedelta

import argon2
import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import set_throttle, throttle_of
from tests.signin_helpers import enroll_with_codes
from twostep import otp
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import services
from twostep.mfa.models import Authenticator, RecoveryCode
from twostep.mfa.recovery import codes as recovery_codes
from twostep.mfa.recovery import services as recovery

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


# The test suite's cost (tests/conftest.py); production's is pinned below.
ARGON2ID = re.compile(r"^\$argon2id\$v=19\$m=1024,t=1,p=1\$([A-Za-z0-9+/]{22})\$[A-Za-z0-9+/]{43}$")


def test_setup_issues_ten_distinct_codes_stored_only_as_argon2id_hashes_each_with_its_own_salt(member, codes):
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(SHOWN.match(code) for code in codes)
    stored = list(RecoveryCode.objects.filter(user=member).order_by("id").values_list("code_hash", flat=True))
    assert len(stored) == 10 and all(ARGON2ID.match(digest) for digest in stored)
    assert len({ARGON2ID.match(digest).group(1) for digest in stored}) == 10  # ten random salts
    plain = [code.replace("-", "") for code in codes]
    assert not any(text in digest for digest in stored for text in plain)
    assert all(argon2.PasswordHasher().verify(digest, text) for digest, text in zip(stored, plain, strict=True))


def test_production_hashes_with_owasps_argon2id_parameters(settings):
    del settings.TWOSTEP_RECOVERY_CODE_HASHING
    assert recovery_codes.code_hash("abcdefghjk").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_the_production_profile_refuses_weaker_parameters(settings, monkeypatch):
    recovery_codes.check_hashing("demo")
    with pytest.raises(ImproperlyConfigured, match=r"^TWOSTEP_RECOVERY_CODE_HASHING may not lower time_cost, "
                                                    r"memory_cost in the production profile"):
        recovery_codes.check_hashing("production")
    settings.TWOSTEP_RECOVERY_CODE_HASHING = {"time_cost": 3, "memory_cost": 65536}
    recovery_codes.check_hashing("production")


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


def test_each_hash_has_a_new_salt():
    first, second = recovery_codes.code_hash("abcdefghjk"), recovery_codes.code_hash("abcdefghjk")
    assert first != second and ARGON2ID.match(first) and ARGON2ID.match(second)


def test_the_hmac_of_codes_from_before_is_keyed_and_bound_to_the_user():
    digest = recovery_codes.hmac_hash(1, "abcdefghjk")
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and digest == recovery_codes.hmac_hash(1, "abcdefghjk")
    assert digest != recovery_codes.hmac_hash(2, "abcdefghjk")
    assert digest != recovery_codes.hmac_hash(1, "abcdefghjk", secret="another key")


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


def test_the_conditional_update_lets_only_one_of_two_racing_uses_win(monkeypatch, clock, member, codes):
    code = recovery_codes.normalize(codes[3])
    # Both requests found the code unused before either wrote: only the UPDATE's own condition decides.
    found = recovery_codes._find(member, code, used=False)
    monkeypatch.setattr(recovery_codes, "_find", lambda user, typed, *, used: found)
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


def test_codes_do_not_depend_on_the_secret_key(settings, clock, member, codes):
    settings.SECRET_KEY = "a new secret key that is long enough for the tests of twostep"
    assert recovery.use_recovery_code(member, codes[0], now=clock.now) == 9


def hmac_stored(user, clock, count: int = 3) -> list[str]:
    """Give ``user`` ``count`` codes stored as before Argon2id (HMAC-SHA256 under the current secret key)."""
    plain = [recovery_codes.new_code() for _ in range(count)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=recovery_codes.hmac_hash(user.pk, code),
                                                  created_at=clock.moment) for code in plain)
    return [recovery_codes.display(code) for code in plain]


def test_codes_stored_before_argon2id_keep_working_until_used(clock, member, codes):
    old = hmac_stored(member, clock)
    assert recovery.use_recovery_code(member, old[1], now=clock.now) == 2
    with pytest.raises(recovery.UsedRecoveryCodeError):
        recovery.use_recovery_code(member, old[1], now=clock.now)
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, codes[0], now=clock.now)
    assert recovery_codes.unused(member, old) == [old[0].replace("-", ""), old[2].replace("-", "")]


def test_codes_stored_before_argon2id_survive_a_key_rotation_with_fallbacks(settings, clock, member, codes):
    old = hmac_stored(member, clock)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a new secret key that is long enough for the tests of twostep"
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, old[0], now=clock.now)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert recovery.use_recovery_code(member, old[0], now=clock.now) == 2


def test_a_new_set_replaces_codes_stored_before_with_argon2id(clock, member, codes):
    hmac_stored(member, clock)
    recovery.regenerate_recovery_codes(member, now=clock.now)
    stored = RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True)
    assert len(stored) == 10 and all(ARGON2ID.match(digest) for digest in stored)


def count_hashes(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = recovery_codes._matches
    monkeypatch.setattr(recovery_codes, "_matches", lambda stored, code, hmacs: checked.append(stored)
                        or real(stored, code, hmacs))
    return checked


def test_a_wrong_code_is_checked_once_against_each_code_of_the_set(monkeypatch, clock, member, codes):
    recovery.use_recovery_code(member, codes[0], now=clock.now)
    checked = count_hashes(monkeypatch)
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, "00000-00000", now=clock.now)
    assert sorted(checked) == sorted(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))


def test_the_download_checks_the_shown_codes_in_their_order(monkeypatch, clock, member, codes):
    checked = count_hashes(monkeypatch)
    assert recovery_codes.unused(member, codes) == [code.replace("-", "") for code in codes]
    assert len(checked) == 10
    checked.clear()
    assert recovery_codes.unused(member, ["00000-00000"] * 3 + [f"{n}0000-00000" for n in range(7)]) == []
    assert len(checked) == recovery_codes.DOWNLOAD_CHECKS  # ten wrong codes stop after 30 hashes


def test_the_database_check_counts_the_users_with_codes_stored_before_argon2id(clock, make_user, member, codes):
    from twostep.mfa.checks import check_recovery_code_storage

    assert check_recovery_code_storage(None, databases=["default"]) == []
    for user in (member, make_user("other@acme.example")):
        hmac_stored(user, clock)
    RecoveryCode.objects.filter(user=member).update(used_at=clock.moment)  # used ones are no matter
    (info,) = check_recovery_code_storage(None, databases=["default"])
    assert (info.id, info.msg) == ("twostep.I050", "1 user has unused recovery codes stored as HMAC-SHA256, from "
                                                   "before Argon2id: they work until used or replaced by a new set.")
    assert check_recovery_code_storage(None) == []  # only with --database
