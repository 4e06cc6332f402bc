"""``twostep end-sessions EMAIL`` for operators: every session of the user ends, audited."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from twostep import cli
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def signed_in(user, clock) -> Client:
    browser = Client()
    post_password(browser, user.email)
    clock.advance(30)  # each browser its own time step: a code works once
    assert post_code(browser, code_for(user, clock.now))["Location"] == reverse("home")
    return browser


def test_end_sessions_from_the_command_line(clock, member, support_user):
    laptop, phone, support = signed_in(member, clock), signed_in(member, clock), signed_in(support_user, clock)
    out = io.StringIO()
    call_command("end_sessions", " Member@Acme.example ", stdout=out)
    assert out.getvalue() == ("Every session of member@acme.example was ended: they sign in again at their next "
                              "request.\n")
    for browser in (laptop, phone):
        assert browser.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert support.get("/").status_code == 200
    assert list(AuditEvent.objects.filter(action="account.sessions_ended").values_list(
        "actor_id", "actor_label", "subject_id", "detail")) == [
        (None, "operator (command line)", member.pk, {"scope": "all", "by": "operator"})]


def test_the_twostep_command_maps_the_dashed_name(clock, member):
    cli.main(["twostep", "end-sessions", "member@acme.example"])
    assert AuditEvent.objects.filter(action="account.sessions_ended", subject_id=member.pk).count() == 1


@pytest.mark.parametrize("email, message", [
    ("nobody@acme.example", "No user has the e-mail address 'nobody@acme.example'."),
    ("member@acme.examp\u200ble", "This address contains invisible or unusual characters"),
])
def test_an_unknown_or_refused_address_changes_nothing(clock, member, email, message):
    laptop = signed_in(member, clock)
    with pytest.raises(CommandError, match=message):
        call_command("end_sessions", email)
    assert laptop.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="account.sessions_ended").exists()
