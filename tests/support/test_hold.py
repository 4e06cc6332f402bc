"""The hold in the support console and for operators: shown on the user page, lifted after checking the person
(never one's own, a staff account's only by a superuser or an operator), and what a reset does with it."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import post_password
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep import cli
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.disown import holds
from twostep.mfa.models import AccountHold, Authenticator

pytestmark = pytest.mark.django_db
BY_CALL = {"identity_check": "callback"}  # how support checked the person
CHECKED = "Called back on the phone number on file; matched the HR photo"
DETAIL = "The owner said the authenticator app set up on 29 November 2026 at 23:59 UTC was not theirs."


def hold(user, now: int) -> AccountHold:
    return holds.place_hold(user, reason=AccountHold.Reason.DISOWNED, detail=DETAIL, now=now)


@pytest.fixture
def held(clock, member):
    hold(member, clock.now - 300)
    return member


def still_held(user) -> bool:
    return holds.active_hold(user) is not None and not AuditEvent.objects.filter(action="account.hold_lifted").exists()


def test_the_user_page_shows_the_hold_with_its_time_and_reason(client, clock, support_user, held):
    force_sign_in(client, support_user, verified_at=clock.now)
    page = client.get(reverse("support:user", args=[held.pk])).content.decode()
    assert ("Nobody can sign in to this account: on hold since 29 Nov 2026, 23:55 UTC.\n      The owner said a new "
            f"authenticator app was not theirs. {DETAIL}") in page
    assert f'href="{reverse("support:lift_hold", args=[held.pk])}">Lift the hold…</a>' in page


def test_support_lifts_the_hold_with_a_note_and_the_user_can_sign_in_again(
        client, clock, support_user, held, django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    url = reverse("support:lift_hold", args=[held.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Lift the hold on member@acme.example?" in form.content.decode()
    blank = client.post(url, {**BY_CALL, "reason": "  "})
    assert blank.status_code == 400 and blank.context["form"].has_error("reason", "required") and still_held(held)
    unchecked = client.post(url, {"reason": CHECKED, "identity_check": ""})
    assert unchecked.status_code == 400 and unchecked.context["form"].has_error("identity_check", "required")
    assert still_held(held)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**BY_CALL, "reason": CHECKED, "ticket": "HELP-9"})
    assert done.status_code == 302 and done["Location"] == reverse("support:user", args=[held.pk])
    assert "The hold on member@acme.example was lifted" in client.get(done["Location"]).content.decode()
    lifted = AccountHold.objects.get()
    assert (lifted.lifted_at, lifted.lifted_by, lifted.lifted_by_label, lifted.lift_note,
            lifted.lift_identity_check) == (clock.moment, support_user, "support@twostep.example", CHECKED, "callback")
    assert list(AuditEvent.objects.filter(action="account.hold_lifted").values_list(
        "actor_id", "subject_id", "outcome", "detail")) == [
        (support_user.pk, held.pk, "success",
         {"reason": CHECKED, "identity_check": "callback", "ticket": "HELP-9", "hold_reason": "disowned"})]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["member@acme.example"], "Your account is no longer on hold")]
    assert CHECKED not in mail.outbox[0].body and "you can sign in again" in mail.outbox[0].body
    assert post_password(Client(), "member@acme.example")["Location"] == reverse("mfa:code")
    again = client.post(url, {**BY_CALL, "reason": CHECKED})
    assert again.status_code == 400 and again.context["refusal"].code == "not_on_hold"


def test_support_cannot_lift_their_own_hold(client, clock, support_user):
    force_sign_in(client, support_user, verified_at=clock.now)
    hold(support_user, clock.now)  # placed directly: this session was not ended
    page = client.get(reverse("support:user", args=[support_user.pk]))
    url = reverse("support:lift_hold", args=[support_user.pk])
    assert page.context["hold_refusal"].code == "own_account" and url not in page.content.decode()
    assert client.get(url).status_code == 403
    response = client.post(url, {**BY_CALL, "reason": CHECKED})
    assert response.status_code == 403 and response.context["form"].has_error("__all__", "own_account")
    assert still_held(support_user)


def test_support_cannot_lift_a_staff_accounts_hold_but_a_superuser_can(client, clock, support_user, make_user):
    colleague = make_user("colleague@twostep.example", is_staff=True)
    hold(colleague, clock.now)
    url = reverse("support:lift_hold", args=[colleague.pk])
    force_sign_in(client, support_user, verified_at=clock.now)
    assert client.get(reverse("support:user", args=[colleague.pk])).context["hold_refusal"].code == "staff_account"
    response = client.post(url, {**BY_CALL, "reason": CHECKED})
    assert response.status_code == 403 and response.context["form"].has_error("__all__", "staff_account")
    assert still_held(colleague)
    root = User.objects.create_superuser("root@twostep.example", "x" * 12)
    force_sign_in(client, root, verified_at=clock.now)
    assert client.post(url, {**BY_CALL, "reason": CHECKED}).status_code == 302 and holds.active_hold(colleague) is None


def test_a_reset_offers_to_lift_the_hold(client, clock, support_user, held, django_capture_on_commit_callbacks):
    force_sign_in(client, support_user, verified_at=clock.now)
    url = reverse("support:reset", args=[held.pk])
    page = client.get(url).content.decode()
    assert "A reset\n    leaves it on hold unless you also lift the hold below." in page
    assert 'name="lift_hold"' in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**BY_CALL, "reason": CHECKED, "lift_hold": "on"})
    assert done.status_code == 302
    assert "The hold on the account was lifted." in client.get(done["Location"]).content.decode()
    assert holds.active_hold(held) is None and not Authenticator.objects.filter(user=held).exists()
    assert list(AuditEvent.objects.filter(action__in=["mfa.reset", "account.hold_lifted"])
                .order_by("id").values_list("action", flat=True)) == ["mfa.reset", "account.hold_lifted"]
    assert sorted(m.subject for m in mail.outbox) == ["Your account is no longer on hold",
                                                      "Your multi-factor authentication was reset"]


def test_a_reset_without_lifting_says_the_hold_remains(client, clock, support_user, held):
    force_sign_in(client, support_user, verified_at=clock.now)
    done = client.post(reverse("support:reset", args=[held.pk]), {**BY_CALL, "reason": CHECKED})
    assert done.status_code == 302
    assert "The account remains on hold: nobody can sign in to it until the hold is lifted." in \
        client.get(done["Location"]).content.decode()
    assert still_held(held) and not Authenticator.objects.filter(user=held).exists()


def test_an_account_not_on_hold_is_not_offered_a_lift(client, clock, support_user, member):
    force_sign_in(client, support_user, verified_at=clock.now)
    assert 'name="lift_hold"' not in client.get(reverse("support:reset", args=[member.pk])).content.decode()
    assert "Lift the hold" not in client.get(reverse("support:user", args=[member.pk])).content.decode()
    page = client.get(reverse("support:lift_hold", args=[member.pk]))
    assert page.status_code == 200 and page.context["refusal"].code == "not_on_hold"


def test_operators_lift_a_hold_from_the_command_line(clock, held, make_user, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lift_hold", "Member@Acme.example", **BY_CALL, reason=CHECKED, ticket="T-3", stdout=out)
    assert out.getvalue() == ("The hold on member@acme.example was lifted: they can sign in again and were told by "
                              "e-mail.\n")
    assert list(AuditEvent.objects.filter(action="account.hold_lifted").values_list(
        "actor_id", "actor_label", "detail")) == [
        (None, "operator (command line)",
         {"reason": CHECKED, "identity_check": "callback", "ticket": "T-3", "hold_reason": "disowned"})]
    assert [m.to for m in mail.outbox] == [["member@acme.example"]]
    with pytest.raises(CommandError, match="This account is not on hold."):
        call_command("lift_hold", "member@acme.example", **BY_CALL, reason=CHECKED)
    with pytest.raises(CommandError, match="Say how you checked"):
        call_command("lift_hold", "member@acme.example", **BY_CALL, reason=" ")
    with pytest.raises(CommandError, match="No user has the e-mail address 'nobody@acme.example'."):
        call_command("lift_hold", "nobody@acme.example", **BY_CALL, reason=CHECKED)
    staff = make_user("ops@twostep.example", is_staff=True)  # operators may lift a staff account's hold
    hold(staff, clock.now)
    with pytest.raises(CommandError, match="the following arguments are required: --identity-check"):
        call_command("lift_hold", "ops@twostep.example", reason=CHECKED)
    cli.main(["twostep", "lift-hold", "ops@twostep.example", "--identity-check", "id-document", "--reason", CHECKED])
    assert holds.active_hold(staff) is None
    assert AccountHold.objects.get(user=staff).lift_identity_check == "id-document"


def test_mfa_reset_from_the_command_line_keeps_the_hold_unless_told(clock, held, make_user):
    out = io.StringIO()
    call_command("mfa_reset", "member@acme.example", **BY_CALL, reason=CHECKED, stdout=out)
    assert out.getvalue().endswith("They set up MFA at their next sign-in. The account remains on hold: nobody can "
                                   "sign in to it until the hold is lifted (--lift-hold, or twostep lift-hold).\n")
    assert still_held(held)
    enroll_with_codes(held, now=clock.now)
    out = io.StringIO()
    call_command("mfa_reset", "member@acme.example", **BY_CALL, reason=CHECKED, lift_hold=True, stdout=out)
    assert out.getvalue().endswith("They set up MFA at their next sign-in. The hold on the account was lifted.\n")
    assert holds.active_hold(held) is None
