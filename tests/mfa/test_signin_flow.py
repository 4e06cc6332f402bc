"""The sign-in journey through Django's test client: every branch of issue 'Sign-in with TOTP MFA'."""

import re

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, mailed_code, post_code, post_password, prove_mailbox
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator
from twostep.mfa.signin import pending
from twostep.mfa.signin.journey import MFA_VERIFIED_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user, make_org, require_mfa):
    user = make_user("Member@Acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    return user


def otpauth_uri(response) -> str:
    return re.search(r'href="(otpauth://[^"]+)"', response.content.decode()).group(1)


def mail_outbox():
    return django_mail.outbox


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_no_mfa_organization_signs_straight_in(client, clock, make_user, make_org):
    user = make_user("nora@northwind.example")
    make_org("Northwind Labs", members=[user])
    response = post_password(client, "nora@northwind.example")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)
    assert client.session[MFA_VERIFIED_AT] is None
    assert list(AuditEvent.objects.values_list("action", "subject_id")) == [("signin.succeeded", user.pk)]


def test_email_is_case_insensitive_and_errors_do_not_tell_which_part_was_wrong(client, clock, make_user):
    make_user("nora@northwind.example")
    assert post_password(client, "  NORA@Northwind.EXAMPLE ").status_code == 302
    client.logout()
    wrong_password = post_password(client, "nora@northwind.example", "not the password")
    unknown_email = post_password(client, "nobody@northwind.example")
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert wrong_password.context["form"].has_error("__all__", "invalid_login")
    assert wrong_password.context["form"].errors == unknown_email.context["form"].errors  # the same words
    assert signed_in_user_id(client) is None


def test_required_and_not_set_up_goes_through_setup_then_signs_in(client, clock, member):
    response = post_password(client, "member@acme.example")
    assert response["Location"] == reverse("mfa:setup")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("mfa:setup"))["Location"] == reverse("mfa:setup_mailbox")  # the mailbox first
    asked = client.get(reverse("mfa:setup_mailbox"))
    assert asked.status_code == 200 and "We sent a 6-digit code to <strong>member@acme.example</strong>" in (
        asked.content.decode())
    (mail,) = mail_outbox()
    assert mail.to == ["member@acme.example"] and mail.subject.startswith("Your code to set up multi-factor")
    proven = client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": mailed_code(mail)})
    assert proven.status_code == 302 and proven["Location"] == reverse("mfa:setup")

    setup = client.get(reverse("mfa:setup"))
    page = setup.content.decode()
    assert setup.status_code == 200 and "<svg" in page and "I can't scan the code" in page
    assert "Microsoft Authenticator" in page and "Google Authenticator" in page
    assert "A new code every 30 seconds (the usual choice)" in page
    assert "otpauth://totp/twostep:member%40acme.example?secret=" in page
    assert setup["Cache-Control"].startswith("max-age=0") and "no-store" in setup["Cache-Control"]
    assert Authenticator.objects.get(user=member).confirmed_at is None

    confirm = client.get(reverse("mfa:setup_confirm"))
    assert confirm.status_code == 200 and 'autocomplete="one-time-code"' in confirm.content.decode()
    assert 'inputmode="numeric"' in confirm.content.decode()

    done = post_code(client, code_for(member, clock.now), url="mfa:setup_confirm")
    assert done.status_code == 200 and "Save your recovery codes" in done.content.decode()
    assert 'href="/">I have saved my recovery codes</a>' in done.content.decode()
    assert signed_in_user_id(client) == str(member.pk)
    assert client.session[MFA_VERIFIED_AT] == clock.now
    authenticator = Authenticator.objects.get(user=member)
    assert authenticator.confirmed_at is not None and authenticator.last_used_step == clock.now // 30
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "organization.require_mfa_changed", "mfa.mailbox_code_sent", "mfa.mailbox_verified", "mfa.setup_started",
        "mfa.enrolled", "mfa.recovery_codes_generated", "signin.succeeded"]


def test_setup_wrong_code_rerenders_with_the_same_secret_and_activates_nothing(client, clock, member):
    post_password(client, "member@acme.example")
    prove_mailbox(client)
    first = otpauth_uri(client.get(reverse("mfa:setup")))
    response = post_code(client, "000000" if code_for(member, clock.now) != "000000" else "111111",
                         url="mfa:setup_confirm")
    assert response.status_code == 400
    assert response.context["form"].has_error("code", "invalid_code")
    assert Authenticator.objects.get(user=member).confirmed_at is None
    assert otpauth_uri(client.get(reverse("mfa:setup"))) == first
    assert signed_in_user_id(client) is None


def test_enrolled_user_is_asked_for_a_code_at_every_sign_in(client, clock, member, enrolled):
    enrolled(member)
    response = post_password(client, "member@acme.example")
    assert response["Location"] == reverse("mfa:code")
    page = client.get(reverse("mfa:code")).content.decode()
    assert "Codes change every 30 seconds" in page and "Lost your phone?" in page
    code = code_for(member, clock.now)
    ok = post_code(client, f"{code[:3]} {code[3:]}")
    assert ok.status_code == 302 and ok["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(member.pk)


def test_code_with_a_dash_is_accepted(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example")
    code = code_for(member, clock.now)
    assert post_code(client, f"{code[:3]}-{code[3:]}").status_code == 302


def test_wrong_code_rerenders_with_message_and_attempts_left(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example")
    wrong = "123456" if code_for(member, clock.now) != "123456" else "654321"
    response = post_code(client, wrong)
    assert response.status_code == 400
    assert response.context["form"].has_error("code", "invalid_code") and response.context["attempts_left"] == 4
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action="mfa.code_failed", subject_id=member.pk, outcome="failure").count() == 1


def test_malformed_code_says_what_a_code_looks_like(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example")
    response = post_code(client, "١٢٣٤٥٦")
    assert response.status_code == 400
    assert response.context["form"].has_error("code", "malformed_code")


def test_replayed_code_is_refused(client, clock, member, enrolled):
    enrolled(member)
    code = code_for(member, clock.now)
    post_password(client, "member@acme.example")
    assert post_code(client, code).status_code == 302
    client.post(reverse("mfa:signout"))
    post_password(client, "member@acme.example")
    response = post_code(client, code)
    assert response.status_code == 400 and response.context["form"].has_error("code", "replayed_code")
    assert "attempts_left" not in response.context  # a replay is not a guess
    assert client.session[pending.SESSION_KEY]["attempts"] == 0
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("offset, accepted", [(-2, False), (-1, True), (0, True), (1, False), (2, False)])
def test_the_current_step_and_the_one_before_are_accepted_never_the_next(client, clock, member, enrolled, offset,
                                                                         accepted):
    enrolled(member)
    post_password(client, "member@acme.example")
    response = post_code(client, code_for(member, clock.now, offset_steps=offset))
    assert (response.status_code == 302) is accepted
    assert (signed_in_user_id(client) == str(member.pk)) is accepted


def test_five_wrong_codes_end_the_pending_sign_in(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example")
    right = code_for(member, clock.now)
    wrong = "000000" if right != "000000" else "999999"
    for _ in range(4):
        assert post_code(client, wrong).status_code == 400
    fifth = post_code(client, wrong)
    assert fifth.status_code == 302 and fifth["Location"] == reverse("mfa:signin")
    assert client.get(reverse("mfa:code"))["Location"] == reverse("mfa:signin")
    assert post_code(client, right)["Location"] == reverse("mfa:signin")
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("path", ["/", "/orgs/acme/settings/", "/orgs/acme/settings/mfa/", "/admin/",
                                  "/signin/setup/"])
def test_direct_navigation_while_pending_returns_to_the_code_step(client, clock, member, enrolled, path):
    enrolled(member)
    post_password(client, "member@acme.example")
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == reverse("mfa:code")


def test_direct_navigation_while_pending_setup_returns_to_setup(client, clock, member):
    post_password(client, "member@acme.example")
    for path in ("/", "/signin/code/", "/signin/"):
        assert client.get(path)["Location"] == reverse("mfa:setup")


def test_pending_sign_in_expires_after_five_minutes(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example")
    clock.advance(300)
    assert client.get(reverse("mfa:code")).status_code == 200
    clock.advance(1)
    code = code_for(member, clock.now)
    response = post_code(client, code)
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("mfa:signin")).context["form"].initial == {"email": "member@acme.example"}


def test_session_key_rotates_at_password_and_again_at_code(client, clock, member, enrolled):
    enrolled(member)
    client.get(reverse("mfa:signin"))
    client.session.save()
    before = client.session.session_key
    post_password(client, "member@acme.example")
    pending_key = client.session.session_key
    post_code(client, code_for(member, clock.now))
    assert len({before, pending_key, client.session.session_key}) == 3


def test_sign_out_ends_the_session(client, clock, make_user):
    make_user("nora@northwind.example")
    post_password(client, "nora@northwind.example")
    assert client.get(reverse("mfa:signout")).status_code == 200
    response = client.post(reverse("mfa:signout"))
    assert response["Location"] == reverse("mfa:signin")
    assert client.get("/")["Location"].startswith(reverse("mfa:signin"))


def test_cancel_while_pending_abandons_the_sign_in(client, clock, member):
    post_password(client, "member@acme.example")
    client.post(reverse("mfa:signout"))
    assert client.get(reverse("mfa:signin")).status_code == 200
    assert client.get(reverse("mfa:setup"))["Location"] == reverse("mfa:signin")


def test_next_page_is_kept_across_the_code_step(client, clock, member, enrolled):
    enrolled(member)
    post_password(client, "member@acme.example", next="/orgs/acme/settings/")
    response = post_code(client, code_for(member, clock.now))
    assert response["Location"] == "/orgs/acme/settings/"


def test_next_page_is_kept_without_mfa(client, clock, make_user):
    make_user("nora@northwind.example")
    response = post_password(client, "nora@northwind.example", next="/orgs/northwind/settings/")
    assert response["Location"] == "/orgs/northwind/settings/"


def test_next_to_another_site_is_ignored(client, clock, make_user):
    make_user("nora@northwind.example")
    response = post_password(client, "nora@northwind.example", next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_demo_password_constant_is_not_the_users_email():
    assert PASSWORD != "member@acme.example"
