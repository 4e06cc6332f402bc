"""Enrollment you can trust: someone with only the password never ends up with a working second factor.

The attack this pins: with a member's password, an attacker opens setup, copies the key and leaves; the member
later confirms the same key and the attacker signs in with codes from it. Here every setup belongs to the one
session that began it, and a first setup needs a mailbox proof before any key is shown.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, mailed_code, post_code, post_password, prove_mailbox
from twostep import otp
from twostep.accounts import services as accounts
from twostep.audit.models import AuditEvent
from twostep.mfa.mailbox import access_passes
from twostep.mfa.models import AccessPass, Authenticator
from twostep.mfa.recovery import reset

pytestmark = pytest.mark.django_db


def key_on_setup_page(client) -> bytes:
    page = client.get(reverse("mfa:setup"))
    assert page.status_code == 200
    return otp.parse_uri(re.search(r'href="(otpauth://[^"]+)"', page.content.decode()).group(1)).key


def at_setup(client, member, *, prove: bool = True) -> Client:
    assert post_password(client, member.email)["Location"] == reverse("mfa:setup")
    if prove:
        assert prove_mailbox(client)["Location"] == reverse("mfa:setup")
    return client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(subject_id=user.pk).order_by("id").values_list("action", flat=True))


@pytest.fixture
def no_mailbox_proof(settings):
    """Only the session binding stands between the attacker and the member (the proof is tested below)."""
    settings.TWOSTEP_MAILBOX_PROOF = False


def test_a_key_copied_by_an_attacker_who_signed_out_never_confirms_nor_signs_in(clock, member, no_mailbox_proof):
    attacker, owner = Client(), Client()
    stolen = key_on_setup_page(at_setup(attacker, member, prove=False))
    attacker.post(reverse("mfa:signout"))
    assert not Authenticator.objects.filter(user=member).exists()  # sign-out discarded the attacker's setup

    mine = key_on_setup_page(at_setup(owner, member, prove=False))
    assert mine != stolen
    assert post_code(owner, otp.totp(mine, now=clock.now), url="mfa:setup_confirm").status_code == 200

    clock.advance(60)
    assert post_password(attacker, member.email)["Location"] == reverse("mfa:code")
    refused = post_code(attacker, otp.totp(stolen, now=clock.now))
    assert refused.status_code == 400 and refused.context["form"].has_error("code", "invalid_code")
    assert not signed_in(attacker)
    assert list(Authenticator.objects.filter(user=member).values_list("confirmed_at", flat=True)) != [None]


def test_an_attacker_who_stays_loses_the_setup_when_the_member_starts_one(clock, member, no_mailbox_proof):
    attacker, owner = Client(), Client()
    stolen = key_on_setup_page(at_setup(attacker, member, prove=False))
    mine = key_on_setup_page(at_setup(owner, member, prove=False))
    assert mine != stolen and Authenticator.objects.filter(user=member).count() == 1

    gone = post_code(attacker, otp.totp(stolen, now=clock.now), url="mfa:setup_confirm")
    assert gone.status_code == 302 and gone["Location"] == reverse("mfa:setup")
    assert not signed_in(attacker) and not Authenticator.objects.filter(confirmed_at__isnull=False).exists()
    assert post_code(owner, otp.totp(mine, now=clock.now), url="mfa:setup_confirm").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.setup_started").order_by("id").values_list("detail", flat=True)[1] == {
        "discarded_other": True, "expires_in": 900}


def test_two_tabs_of_one_session_share_the_key(client, clock, member):
    at_setup(client, member)
    assert key_on_setup_page(client) == key_on_setup_page(client)
    assert Authenticator.objects.filter(user=member).count() == 1


@pytest.mark.parametrize("change", ["reset", "change"])
def test_a_new_password_discards_the_setup(client, clock, member, no_mailbox_proof, change, rf):
    stolen = key_on_setup_page(at_setup(client, member, prove=False))
    if change == "reset":
        member.set_password("a brand new passphrase")
        from django.contrib.auth.forms import SetPasswordForm
        form = SetPasswordForm(member, {"new_password1": "a brand new passphrase 2",
                                        "new_password2": "a brand new passphrase 2"})
        assert form.is_valid()
        accounts.finish_password_reset(form)
    else:
        request = rf.post("/")
        request.session, request.user = Client().session, member
        accounts.change_password(request, member, "a brand new passphrase 2")
    assert not Authenticator.objects.filter(user=member).exists()
    assert post_code(client, otp.totp(stolen, now=clock.now), url="mfa:setup_confirm")["Location"] == (
        reverse("mfa:signin"))


def test_a_setup_alone_is_nothing_to_reset_and_a_reset_discards_it(client, clock, member, no_mailbox_proof):
    at_setup(client, member, prove=False)
    key_on_setup_page(client)
    with pytest.raises(reset.NothingToResetError):
        reset.reset_mfa(member, actor="support", identity_check="callback", reason="lost phone", now=clock.now)
    assert Authenticator.objects.filter(user=member).count() == 1


def test_setup_lasts_fifteen_minutes_and_says_until_when(client, clock, member):
    at_setup(client, member)
    page = client.get(reverse("mfa:setup")).content.decode()
    assert 'You have until <time datetime="2026-11-30T00:15:05+00:00">00:15 UTC</time> to finish setting up' in page
    clock.advance(900)  # past the code step's 5 minutes: still on setup
    assert client.get(reverse("mfa:setup_confirm")).status_code == 200
    clock.advance(1)
    assert client.get(reverse("mfa:setup_confirm"))["Location"] == reverse("mfa:signin")
    signin = client.get(reverse("mfa:signin")).content.decode()
    assert 'value="member@acme.example"' in signin  # the address is kept after an expiry


def test_the_setup_key_expires_with_its_setup(clock, member):
    from twostep.mfa.authenticators import enrollment

    started = enrollment.start_enrollment(member, binding="tab", now=clock.now)
    with pytest.raises(enrollment.SetupGoneError):
        enrollment.confirm_enrollment(member, otp.totp(started.secret, now=clock.now + 901), binding="tab",
                                      now=clock.now + 901)
    with pytest.raises(enrollment.SetupGoneError):
        enrollment.confirm_enrollment(member, otp.totp(started.secret, now=clock.now), binding="other",
                                      now=clock.now)


def test_the_password_alone_never_shows_a_key(client, clock, member):
    at_setup(client, member, prove=False)
    for name in ("mfa:setup", "mfa:setup_confirm"):
        assert client.get(reverse(name))["Location"] == reverse("mfa:setup_mailbox")
    assert post_code(client, "123456", url="mfa:setup_confirm")["Location"] == reverse("mfa:setup_mailbox")
    assert not Authenticator.objects.exists()
    assert "otpauth" not in client.get(reverse("mfa:setup_mailbox")).content.decode()


def test_a_mailed_code_works_only_in_its_session_and_until_it_runs_out(client, clock, member):
    at_setup(client, member, prove=False)
    client.get(reverse("mfa:setup_mailbox"))
    code = mailed_code(mail.outbox[-1])
    assert "until 00:10" in mail.outbox[-1].body
    other = Client()
    at_setup(other, member, prove=False)
    stolen = other.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": code})
    assert stolen.status_code == 400 and other.get(reverse("mfa:setup"))["Location"] == reverse("mfa:setup_mailbox")
    clock.advance(601)
    late = client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": code})
    assert late.status_code == 400 and late.context["form"].has_error("code", "mailbox_code_expired")
    assert "mfa.mailbox_verified" not in actions(member)


def test_five_wrong_mailed_codes_need_a_new_code(client, clock, member):
    at_setup(client, member, prove=False)
    client.get(reverse("mfa:setup_mailbox"))
    right = mailed_code(mail.outbox[-1]).replace(" ", "")
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        refused = client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": wrong})
        assert refused.status_code == 400 and refused.context["form"].has_error("code", "invalid_mailbox_code")
    # The 5th wrong code also began the wait every second factor of the user shares (nothing checked in it).
    waiting = client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": right})
    assert waiting.status_code == 429 and waiting["Retry-After"] == "30"
    clock.advance(30)
    used_up = client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": right})
    assert used_up.status_code == 400 and used_up.context["form"].has_error("code", "mailbox_code_expired")
    assert actions(member).count("mfa.code_failed") == 6 and "mfa.mailbox_verified" not in actions(member)


def test_new_codes_wait_a_minute_and_at_most_three_an_hour(client, clock, member):
    at_setup(client, member, prove=False)
    client.get(reverse("mfa:setup_mailbox"))
    too_soon = client.post(reverse("mfa:setup_mailbox"), {"action": "resend"})
    assert too_soon.status_code == 429 and too_soon["Retry-After"] == "60" and len(mail.outbox) == 1
    for sent in (2, 3):
        clock.advance(60)
        assert client.post(reverse("mfa:setup_mailbox"), {"action": "resend"}).status_code == 302
        assert len(mail.outbox) == sent
    clock.advance(60)
    assert client.post(reverse("mfa:setup_mailbox"), {"action": "resend"}).status_code == 429
    assert len(mail.outbox) == 3


def test_an_invitation_opened_in_this_session_is_the_proof(client, clock, make_user, make_org, require_mfa):
    from twostep.organizations import invitations

    admin = make_user("admin@acme.example")
    acme = make_org("Acme Calibration", slug="acme", admins=[admin])
    require_mfa(acme)
    invitations.invite_member(acme, email="new@acme.example", role="member", actor=admin, now=clock.now)
    link = re.search(r"https?://[^/\s]+(/invitations/\S+)", mail.outbox[-1].body).group(1)
    client.get(link)
    created = client.post(reverse("invitations:accept"), {"name": "New", "new_password1": PASSWORD,
                                                           "new_password2": PASSWORD})
    assert created.status_code == 302
    assert post_password(client, "new@acme.example")["Location"] == reverse("mfa:setup")
    assert client.get(reverse("mfa:setup")).status_code == 200  # no code mailed: the invitation was the proof
    assert mail.outbox[-1].subject.startswith("Join Acme")
    assert AuditEvent.objects.filter(action="mfa.mailbox_verified").values_list("detail", flat=True)[0] == {
        "via": "invitation"}


def test_a_temporary_access_pass_stands_in_for_the_mail_once(client, clock, member):
    text, _ = access_passes.issue_access_pass(member, actor="operator (command line)", reason="no mail on site",
                                              now=clock.now)
    assert re.fullmatch(r"([A-HJ-KM-NP-Z2-9]{4}-){3}[A-HJ-KM-NP-Z2-9]{4}", text)
    at_setup(client, member, prove=False)
    used = client.post(reverse("mfa:setup_mailbox"), {"action": "access_pass", "access_pass": text.lower()})
    assert used.status_code == 302 and used["Location"] == reverse("mfa:setup")
    assert client.get(reverse("mfa:setup")).status_code == 200
    again = Client()
    at_setup(again, member, prove=False)
    refused = again.post(reverse("mfa:setup_mailbox"), {"action": "access_pass", "access_pass": text})
    assert refused.status_code == 400 and refused.context["pass_form"].has_error("access_pass", "invalid_access_pass")
    assert AccessPass.objects.get().used_at is not None
    assert [a for a in actions(member) if "access_pass" in a] == ["mfa.access_pass_issued", "mfa.access_pass_used"]


def test_an_access_pass_expires_after_an_hour_and_a_new_one_voids_the_old(client, clock, member):
    old, _ = access_passes.issue_access_pass(member, actor="support", reason="r", now=clock.now)
    new, _ = access_passes.issue_access_pass(member, actor="support", reason="r", now=clock.now)
    at_setup(client, member, prove=False)
    assert client.post(reverse("mfa:setup_mailbox"), {"action": "access_pass", "access_pass": old}).status_code == 400
    clock.advance(3601)
    later = at_setup(Client(), member, prove=False)
    assert later.post(reverse("mfa:setup_mailbox"), {"action": "access_pass", "access_pass": new}).status_code == 400
    assert later.get(reverse("mfa:setup"))["Location"] == reverse("mfa:setup_mailbox")
    assert list(AccessPass.objects.order_by("id").values_list("voided_at", "used_at")) == [
        (clock.moment.replace(second=5, minute=0, hour=0, day=30), None), (None, None)]


def test_in_a_grace_period_the_password_alone_cannot_move_the_address_to_pass_the_mailbox_proof(
        client, clock, make_user, make_org):
    """Without MFA the step-up is the password: a new address of the attacker's would receive the setup code."""
    from datetime import timedelta

    from twostep.mfa.rollout.services import set_require_mfa

    user = make_user("nora@northwind.example")
    north = make_org("Northwind Labs", slug="northwind", members=[user])
    set_require_mfa(north, required=True, actor=None, moment=clock.moment,
                    enforce_from=clock.moment + timedelta(days=3))
    assert post_password(client, "nora@northwind.example")["Location"] == "/"  # the grace period: no code yet
    assert client.post(reverse("mfa:stepup"), {"password": PASSWORD, "next": "/account/email/"}).status_code == 302
    assert client.get(reverse("mfa:change_email"))["Location"] == reverse("mfa:account_mailbox")
    moved = client.post(reverse("mfa:change_email"), {"email": "attacker@evil.example"})
    assert moved["Location"] == reverse("mfa:account_mailbox")
    user.refresh_from_db()
    assert user.email == "nora@northwind.example"
    page = client.get(reverse("mfa:account_mailbox")).content.decode()
    assert mail.outbox[-1].to == ["nora@northwind.example"] and "temporary access pass" not in page
    text, _ = access_passes.issue_access_pass(user, actor="support", reason="r", now=clock.now)
    no_pass = client.post(reverse("mfa:account_mailbox"), {"action": "access_pass", "access_pass": text})
    assert no_pass.status_code == 400 and AccessPass.objects.get().used_at is None  # a pass is for enrollment only
    proven = client.post(reverse("mfa:account_mailbox"), {"action": "code", "code": mailed_code(mail.outbox[-1])})
    assert proven["Location"] == reverse("mfa:change_email")
    assert client.post(reverse("mfa:change_email"), {"email": "nora@new.example"})["Location"] == "/"
