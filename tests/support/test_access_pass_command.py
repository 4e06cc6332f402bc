"""``twostep access-pass EMAIL --reason "..." [--ticket T]`` for operators."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from twostep import cli
from twostep.audit.models import AuditEvent
from twostep.mfa.models import AccessPass
from twostep.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(make_user, acme):
    user = make_user("newcomer@acme.example")
    Membership.objects.create(user=user, organization=acme)
    return user


def nothing_issued() -> bool:
    return (not AccessPass.objects.exists() and mail.outbox == []
            and not AuditEvent.objects.filter(action="mfa.access_pass_issued").exists())


def test_the_pass_is_printed_once_with_its_expiry(clock, newcomer, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("access_pass", " NewComer@Acme.example ", reason="No mail; checked by call-back", ticket="T-7",
                     stdout=out)
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"Temporary access pass for newcomer@acme\.example: [A-Z2-9]{4}(-[A-Z2-9]{4}){3}", lines[0])
    text = lines[0].rsplit(" ", 1)[1]
    assert lines[1:] == [
        "Valid once, for 1 hour, until 2026-11-30 01:00 UTC. It is shown only now.",
        "Tell the user: sign in with your password, open \"I can't receive e-mail\" and enter the pass; it only lets "
        "you set up multi-factor authentication, once."]
    row = AccessPass.objects.get()
    assert (row.user, row.issued_by_label, row.reason, row.expires_at.timestamp()) == (
        newcomer, "operator (command line)", "No mail; checked by call-back", clock.now + 3600)
    assert list(AuditEvent.objects.filter(action="mfa.access_pass_issued").values_list(
        "actor_id", "actor_label", "subject_id", "ip_address", "detail")) == [
        (None, "operator (command line)", newcomer.pk, None,
         {"reason": "No mail; checked by call-back", "ticket": "T-7", "valid_for": 3600})]
    assert [m.to for m in mail.outbox] == [["newcomer@acme.example"]] and text not in mail.outbox[0].body


def test_the_lifetime_follows_the_setting(clock, settings, newcomer):
    settings.TWOSTEP_ACCESS_PASS_LIFETIME = 5400
    out = io.StringIO()
    call_command("access_pass", "newcomer@acme.example", reason="No mail", stdout=out)
    assert "Valid once, for 90 minutes, until 2026-11-30 01:30 UTC." in out.getvalue()
    assert AccessPass.objects.get().expires_at.timestamp() == clock.now + 5400


def test_the_twostep_command_maps_the_dashed_name_and_may_serve_staff_accounts(clock, make_user, capsys):
    staff = make_user("ops@twostep.example", is_staff=True)
    cli.main(["twostep", "access-pass", "ops@twostep.example", "--reason", "New laptop, no mail yet"])
    assert capsys.readouterr().out.startswith("Temporary access pass for ops@twostep.example: ")
    assert AccessPass.objects.get().user == staff


@pytest.mark.parametrize("arguments, error", [
    (["nobody@acme.example", "--reason", "No mail"], "No user has the e-mail address 'nobody@acme.example'."),
    (["newcomer@acme.example", "--reason", "   "],
     "Give the reason for the pass (for example how you checked who asked)."),
    (["member@acme.example", "--reason", "No mail"],
     "Not needed: this user has an authenticator app. A temporary access pass only stands in for the e-mail "
     "confirmation before a first setup; if they lost their phone, reset their MFA first."),
])
def test_bad_input_fails_with_one_line_and_issues_nothing(clock, newcomer, member, capsys,
                                                          django_capture_on_commit_callbacks, arguments, error):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit) as exit_info:
        cli.main(["twostep", "access-pass", *arguments])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"CommandError: {error}\n")
    assert nothing_issued()


def test_the_reason_is_required(clock, newcomer):
    with pytest.raises(CommandError, match="the following arguments are required: --reason"):
        call_command("access_pass", "newcomer@acme.example")
    assert nothing_issued()
