"""Security notices: an e-mail to the user after each change to how they sign in, sent once it commits."""

import logging

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.accounts import services as accounts
from twostep.mfa.recovery import reset
from twostep.mfa.recovery import services as recovery

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a brand new passphrase 42"
IP = "203.0.113.7"
WHEN = "When: 30 November 2026 at 00:00 UTC"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.fixture
def user(clock, make_user):
    return make_user("nora@northwind.example", name="Nora North")


@pytest.fixture
def request_from_ip(rf, user):
    request = rf.post("/", REMOTE_ADDR=IP)
    request.user = user
    return request


def only_notice(outbox, subject: str):
    assert [(message.to, message.subject) for message in outbox] == [(["nora@northwind.example"], subject)]
    body = outbox[0].body
    assert body.startswith("Hello Nora North,\n")
    assert "Wasn't you?" in body and "support desk" in body
    return body


def test_password_change_notice(client, clock, user, mailoutbox, django_capture_on_commit_callbacks):
    force_sign_in(client, user, stepped_up_at=clock.now)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa:change_password"), {"current_password": PASSWORD,
                                                               "new_password1": NEW_PASSWORD,
                                                               "new_password2": NEW_PASSWORD}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    body = only_notice(mailoutbox, "Your password was changed")
    assert "the password of your twostep account (nora@northwind.example) was changed." in body
    assert f"{WHEN}\nFrom: IP address {IP}\n" in body
    assert NEW_PASSWORD not in body


def test_password_reset_notice(clock, user, request_from_ip, mailoutbox, django_capture_on_commit_callbacks):
    form = SetPasswordForm(user, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert form.is_valid()
    with django_capture_on_commit_callbacks(execute=True):
        accounts.finish_password_reset(form, request=request_from_ip)
    body = only_notice(mailoutbox, "Your password was reset")
    assert "was reset with a link sent to this address." in body and f"{WHEN}\nFrom: IP address {IP}\n" in body
    assert NEW_PASSWORD not in body


def test_turning_mfa_off_notice(clock, user, request_from_ip, mailoutbox, django_capture_on_commit_callbacks):
    codes = enroll_with_codes(user, now=clock.now - 60)
    with django_capture_on_commit_callbacks(execute=True):
        reset.disable_mfa(user, request=request_from_ip)
    body = only_notice(mailoutbox, "Multi-factor authentication was turned off")
    assert "signing in now asks\nonly for your password." in body and WHEN in body
    assert not any(code in body for code in codes)


def test_no_notice_when_turning_mfa_off_is_refused(clock, user, make_org, require_mfa, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    enroll_with_codes(user, now=clock.now - 60)
    require_mfa(make_org("Northwind Labs", members=[user]))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(reset.MfaStillRequiredError):
        reset.disable_mfa(user)
    assert mailoutbox == []


def test_regenerating_recovery_codes_notice(clock, user, request_from_ip, mailoutbox,
                                            django_capture_on_commit_callbacks):
    enroll_with_codes(user, now=clock.now - 60)
    with django_capture_on_commit_callbacks(execute=True):
        codes = recovery.regenerate_recovery_codes(user, now=clock.now, request=request_from_ip)
    body = only_notice(mailoutbox, "New recovery codes were generated for your account")
    assert "Your old recovery codes no longer work" in body and WHEN in body
    assert not any(code in body for code in codes)


def test_signing_in_with_a_recovery_code_notice_says_how_many_remain(clock, user, request_from_ip, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    codes = enroll_with_codes(user, now=clock.now - 60)
    with django_capture_on_commit_callbacks(execute=True):
        recovery.use_recovery_code(user, codes[0], now=clock.now, purpose=recovery.SIGNIN, request=request_from_ip)
    body = only_notice(mailoutbox, "A recovery code was used to sign in to your account")
    assert "9 unused recovery codes left." in body and f"{WHEN}\nFrom: IP address {IP}\n" in body
    assert not any(code in body for code in codes)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recovery.use_recovery_code(user, codes[1], now=clock.now, purpose=recovery.STEP_UP)
    assert mailoutbox == []  # a step-up is not a sign-in


def test_a_notice_names_the_support_contact_when_set(clock, user, settings, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    settings.TWOSTEP_SUPPORT_CONTACT = "help@northwind.example"
    enroll_with_codes(user, now=clock.now - 60)
    with django_capture_on_commit_callbacks(execute=True):
        recovery.regenerate_recovery_codes(user, now=clock.now)
    body = only_notice(mailoutbox, "New recovery codes were generated for your account")
    assert "Support: help@northwind.example\n" in body and "From: IP address" not in body


def test_a_mail_failure_is_logged_without_content_and_keeps_the_change(clock, user, settings, caplog,
                                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mfa.test_security_notices.FailingBackend"
    enroll_with_codes(user, now=clock.now - 60)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        codes = recovery.regenerate_recovery_codes(user, now=clock.now)
    assert recovery.remaining_recovery_codes(user) == 10
    warnings = [record.getMessage() for record in caplog.records if record.name == "twostep.accounts.notices"]
    assert warnings == [f"Could not send the recovery_codes_regenerated notice for user {user.pk}"]
    assert not any(code in caplog.text for code in codes) and "nora@northwind.example" not in caplog.text
