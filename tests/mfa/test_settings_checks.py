"""Start-up checks of the TOTP settings: a time step the otp core cannot use stops start-up, instead of
every setup page failing with a server error."""

import pytest

from twostep.mfa.checks import check_mfa_settings


@pytest.mark.parametrize("period, errors", [(30, []), (1, []), (0, ["twostep.E006"]), (-30, ["twostep.E006"]),
                                            (32768, ["twostep.E006"])])
def test_the_time_step_of_new_authenticators_is_checked_at_start_up(settings, period, errors):
    settings.TWOSTEP_TOTP_PERIOD = period
    assert [error.id for error in check_mfa_settings(None)] == errors


@pytest.mark.parametrize("age, failures, errors", [(365 * 86400, 10, []), (86400, 1, []),
                                                   (86399, 10, ["twostep.E024"]), (86400, 0, ["twostep.E024"])])
def test_device_cookie_settings_are_checked_at_start_up(settings, age, failures, errors):
    settings.TWOSTEP_DEVICE_COOKIE_AGE = age
    settings.TWOSTEP_DEVICE_COOKIE_MAX_FAILURES = failures
    assert [error.id for error in check_mfa_settings(None)] == errors


@pytest.mark.parametrize("issuer, errors", [("Acme Portal", []), ("twostep", []), ("Acme:Portal", ["twostep.E001"]),
                                            (":", ["twostep.E001"]), ("", ["twostep.E001"]),
                                            ("   ", ["twostep.E001"])])
def test_an_issuer_with_a_colon_or_none_stops_start_up(settings, issuer, errors):
    settings.TWOSTEP_ISSUER = issuer  # the otpauth:// label is "issuer:account": a ':' would split it wrongly
    assert [error.id for error in check_mfa_settings(None)] == errors


@pytest.mark.parametrize("window, errors", [(0, []), (1, []), (10, []), (-1, ["twostep.E002"]),
                                            (11, ["twostep.E002"])])
def test_the_totp_window_is_checked_at_start_up(settings, window, errors):
    settings.TWOSTEP_TOTP_WINDOW = window
    assert [error.id for error in check_mfa_settings(None)] == errors


@pytest.mark.parametrize("digits, errors", [(6, []), (7, []), (8, []), (5, ["twostep.E003"]), (9, ["twostep.E003"]),
                                            ("6", ["twostep.E003"])])
def test_the_code_length_is_checked_at_start_up(settings, digits, errors):
    settings.TWOSTEP_TOTP_DIGITS = digits
    assert [error.id for error in check_mfa_settings(None)] == errors


@pytest.mark.parametrize("algorithm, errors", [("sha1", []), ("sha256", []), ("sha512", []),
                                               ("md5", ["twostep.E004"]), ("SHA1", ["twostep.E004"]),
                                               ("", ["twostep.E004"])])
def test_the_totp_algorithm_is_checked_at_start_up(settings, algorithm, errors):
    settings.TWOSTEP_TOTP_ALGORITHM = algorithm
    assert [error.id for error in check_mfa_settings(None)] == errors


GOOD_KEY = "uUnNCp0sTUsgzk0eZ7rTbkf3TdbPP5Jxe-MDhFl4l5Y="  # a Fernet key: 32 url-safe base64-encoded bytes


def not_a_key(item: int) -> str:
    return f"TWOSTEP_ENCRYPTION_KEYS item {item} is not a Fernet key (32 url-safe base64-encoded bytes)"


@pytest.mark.parametrize("keys, messages", [([GOOD_KEY], []), ([GOOD_KEY, GOOD_KEY], []),
                                            (["not a key"], [not_a_key(1)]),
                                            ([GOOD_KEY, GOOD_KEY[:-2]], [not_a_key(2)]),
                                            ([], [not_a_key(1)])])  # no key at all: nothing could be sealed
def test_encryption_keys_that_are_missing_or_not_fernet_keys_stop_start_up(settings, keys, messages):
    settings.TWOSTEP_ENCRYPTION_KEYS = keys
    problems = check_mfa_settings(None)
    assert [error.id for error in problems] == ["twostep.E005"] * len(messages)
    assert [error.msg for error in problems] == messages
