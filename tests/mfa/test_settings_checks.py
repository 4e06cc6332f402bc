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
