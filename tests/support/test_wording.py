"""The support console's refusals in the words support staff read; every other test asserts their codes."""

import pytest
from django.urls import reverse

from tests.mfa.test_wording import words
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.accounts.models import User
from twostep.mfa.models import AccountHold

pytestmark = pytest.mark.django_db
BY_CALL = {"identity_check": "callback"}
OWN = "This is your own account. You cannot "
STAFF = "This is a staff account: only a superuser or an operator "


@pytest.fixture
def console(client, clock, support_user):
    """``client`` signed in as support staff, with a code."""
    force_sign_in(client, support_user, verified_at=clock.now)
    return client


def test_only_support_staff_open_the_console(client, clock, member):
    force_sign_in(client, member, verified_at=clock.now)
    assert "Only support staff can open the support console." in words(client.get(reverse("support:search")))


@pytest.mark.parametrize("name, own, staff", [
    ("support:reset", "reset your own MFA here: replace your authenticator on your Security page, or ask another "
                      "support person.",
     "(twostep mfa-reset) can reset its MFA, so that support cannot take over a more privileged account."),
    ("support:access_pass", "issue yourself a temporary access pass: ask another support person.",
     "(twostep access-pass) can issue it a temporary access pass, so that support cannot take over a more "
     "privileged account."),
    ("support:lift_hold", "lift a hold on your own account: ask another support person to check who you are.",
     "(twostep lift-hold) can lift its hold, so that support cannot take over a more privileged account."),
])
def test_own_and_staff_accounts_are_refused_with_the_reason(console, clock, support_user, make_user, name, own,
                                                            staff):
    colleague = make_user("colleague@twostep.example", is_staff=True)
    for user in (support_user, colleague):
        AccountHold.objects.create(user=user, reason=AccountHold.Reason.DISOWNED, placed_at=clock.moment)
    assert OWN + own in words(console.get(reverse(name, args=[support_user.pk])))
    assert STAFF + staff in words(console.get(reverse(name, args=[colleague.pk])))


def test_form_refusals(console, member):
    reset = reverse("support:reset", args=[member.pk])
    assert "Give the reason for the reset (for example how you checked who asked)." in words(
        console.post(reset, {**BY_CALL, "reason": " "}))
    assert ("Choose how you checked who the person is: a call-back to a number on file, an ID document checked in "
            "person, their manager, or other (described in the note).") in words(console.post(reset, {"reason": "x"}))
    assert "Say how you checked that you are dealing with the owner of the account." in words(
        console.post(reverse("support:lift_hold", args=[member.pk]), {**BY_CALL, "reason": " "}))
    assert "Give the reason for the pass (for example how you checked who asked)." in words(
        console.post(reverse("support:access_pass", args=[member.pk]), {"reason": " "}))
    assert "This search contains invisible or unusual characters. Type it again by hand." in words(
        console.get(reverse("support:search"), {"q": "max\u200b"}))


def test_nothing_to_do_is_said(console, make_user):
    bare = make_user("bare@acme.example")
    assert "Nothing to reset: no authenticator app is set up." in words(
        console.get(reverse("support:user", args=[bare.pk])))
    assert "Nothing to reset: this user has no authenticator, recovery codes or lockout." in words(
        console.get(reverse("support:reset", args=[bare.pk])))
    assert "This account is not on hold." in words(console.get(reverse("support:lift_hold", args=[bare.pk])))


@pytest.mark.parametrize("case, reason", [
    ("has an authenticator", "Not needed: this user has an authenticator app. A temporary access pass only stands "
                             "in for the e-mail confirmation before a first setup; if they lost their phone, reset "
                             "their MFA first."),
    ("mailbox proof off", "Not needed: this site asks for no e-mail confirmation before MFA setup "
                          "(TWOSTEP_MAILBOX_PROOF is off), so the user sets up MFA after the password alone."),
    ("deactivated", "Not needed: this account is deactivated and cannot sign in."),
    ("on hold", "Not yet: this account is on hold and cannot sign in. Lift the hold first, after checking who they "
                "are."),
])
def test_why_a_pass_would_not_help(console, clock, settings, make_user, case, reason):
    target = make_user("new@acme.example")
    if case == "has an authenticator":
        enroll_with_codes(target, now=clock.now - 60)
    if case == "mailbox proof off":
        settings.TWOSTEP_MAILBOX_PROOF = False
    if case == "deactivated":
        User.objects.filter(pk=target.pk).update(is_active=False)
    if case == "on hold":
        AccountHold.objects.create(user=target, reason=AccountHold.Reason.DISOWNED, placed_at=clock.moment)
    assert reason in words(console.get(reverse("support:access_pass", args=[target.pk])))
