"""``twostep mfa-reset EMAIL --identity-check CHECK --reason "..." [--ticket T]`` for operators."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import post_password
from twostep import cli
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator, RecoveryCode
from twostep.support.models import SupportReset

pytestmark = pytest.mark.django_db


def test_reset_from_the_command_line(clock, member, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mfa_reset", " Member@Acme.example ", identity_check="callback",
                     reason="Lost phone, checked by call-back", ticket="T-7", stdout=out)
    record = SupportReset.objects.get()
    assert out.getvalue() == (f"MFA of member@acme.example was reset (record {record.pk}): authenticators and "
                              "recovery codes deleted, sessions ended, e-mail sent. They set up MFA at their next "
                              "sign-in.\n")
    assert not Authenticator.objects.filter(user=member).exists() and not RecoveryCode.objects.exists()
    assert list(AuditEvent.objects.filter(action="mfa.reset").values_list("actor_id", "actor_label", "subject_id",
                                                                          "detail")) == [
        (None, "operator (command line)", member.pk,
         {"reason": "Lost phone, checked by call-back", "identity_check": "callback", "ticket": "T-7",
          "authenticators": 1, "recovery_codes": 10, "cleared_lockout": False})]
    assert (record.actor, record.actor_label, record.identity_check, record.ticket) == (
        None, "operator (command line)", "callback", "T-7")
    assert [m.to for m in mail.outbox] == [["member@acme.example"]]
    assert post_password(Client(), "member@acme.example")["Location"] == reverse("mfa:setup")


def test_the_twostep_command_maps_the_dashed_name(clock, member):
    cli.main(["twostep", "mfa-reset", "member@acme.example", "--identity-check", "callback", "--reason", "Lost phone"])
    assert AuditEvent.objects.filter(action="mfa.reset", subject_id=member.pk).count() == 1


CHECK = ["--identity-check", "callback"]


@pytest.mark.parametrize("arguments, message", [
    (["nobody@acme.example", *CHECK, "--reason", "Lost phone"],
     "No user has the e-mail address 'nobody@acme.example'."),
    (["member@acme.example", *CHECK, "--reason", "   "], "Give the reason for the reset"),
    (["member@acme.example"], "the following arguments are required: --reason, --identity-check"),
    (["member@acme.example", "--reason", "Lost phone"], "the following arguments are required: --identity-check"),
    (["member@acme.example", "--identity-check", "trust-me", "--reason", "Lost phone"],
     r"argument --identity-check: invalid choice: 'trust-me' \(choose from 'callback', 'id-document', 'manager', "
     r"'other'\)"),
])
def test_bad_input_is_refused_and_changes_nothing(clock, member, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("mfa_reset", *arguments)
    assert Authenticator.objects.filter(user=member).count() == 1
    assert not AuditEvent.objects.filter(action="mfa.reset").exists() and not SupportReset.objects.exists()


def test_nothing_to_reset_fails_with_one_line_and_sends_nothing(clock, make_user, capsys,
                                                                django_capture_on_commit_callbacks):
    make_user("bare@acme.example")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit) as exit_info:
        cli.main(["twostep", "mfa-reset", "bare@acme.example", *CHECK, "--reason", "Lost phone"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("CommandError: Nothing to reset: this user has no authenticator, recovery codes or "
                            "lockout.\n")
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="mfa.reset").exists() and not SupportReset.objects.exists()


def test_the_reset_service_refuses_with_a_stable_code(clock, make_user):
    from twostep.mfa.recovery.reset import NothingToResetError, reset_mfa

    with pytest.raises(NothingToResetError) as refused:
        reset_mfa(make_user("bare@acme.example"), actor="operator (command line)", reason="Lost phone",
                  identity_check="manager")
    assert refused.value.code == "nothing_to_reset"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("identity_check", ["", "  ", "trust-me", None])
def test_the_reset_service_needs_a_known_identity_check(clock, member, identity_check):
    from twostep.mfa.recovery.reset import reset_mfa
    from twostep.mfa.staff.identity import IdentityCheckRequiredError

    with pytest.raises(IdentityCheckRequiredError) as refused:
        reset_mfa(member, actor="operator (command line)", reason="Lost phone", identity_check=identity_check)
    assert refused.value.code == "identity_check_required"
    assert Authenticator.objects.filter(user=member).count() == 1 and not AuditEvent.objects.filter(
        action="mfa.reset").exists()
