"""Signing in with a recovery code in place of a code from the app, through Django's test client."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.conftest import post_password, set_throttle, throttle_of
from twostep.audit.models import AuditEvent
from twostep.mfa.models import RecoveryCode
from twostep.mfa.recovery import services as recovery
from twostep.mfa.signin.journey import MFA_VERIFIED_AT

pytestmark = pytest.mark.django_db
RECOVERY = reverse("mfa:recovery")


def post_recovery(client, code: str):
    return client.post(RECOVERY, {"recovery_code": code})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_code_page_links_to_the_recovery_form(client, clock, member, codes):
    post_password(client, "member@acme.example")
    page = client.get(reverse("mfa:code")).content.decode()
    assert f'<a href="{RECOVERY}">Use a recovery code instead</a>' in page
    form = client.get(RECOVERY)
    assert form.status_code == 200 and 'name="recovery_code"' in form.content.decode()
    assert "no-store" in form["Cache-Control"]


def test_sign_in_with_a_recovery_code_tells_how_many_are_left(client, clock, member, codes):
    post_password(client, "member@acme.example", next="/orgs/acme/settings/")
    response = post_recovery(client, codes[0].upper())
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/"
    assert signed_in_user_id(client) == str(member.pk)
    assert client.session[MFA_VERIFIED_AT] == clock.now
    assert texts(response) == ["You used a recovery code. 9 recovery codes left."]
    assert list(AuditEvent.objects.filter(subject_id=member.pk).order_by("id").values_list("action", "detail"))[3:] == [
        ("mfa.recovery_code_used", {"purpose": "signin", "remaining": 9, "cleared_lockout": False}),
        ("signin.succeeded", {"mfa": True}),
    ]


def test_at_three_or_fewer_left_the_user_is_warned_with_a_link_to_a_new_set(client, clock, member, codes):
    for code in codes[:6]:
        recovery.use_recovery_code(member, code, now=clock.now - 30)
    post_password(client, "member@acme.example")
    response = post_recovery(client, codes[6])
    assert response.status_code == 302 and texts(response) == [
        f'You used a recovery code. Only 3 recovery codes left: <a href="{reverse("mfa:recovery_codes")}">generate '
        'a new set</a> now, and replace your authenticator app if you lost your phone.']
    page = client.get(response["Location"]).content.decode()
    assert f'Only 3 recovery codes left: <a href="{reverse("mfa:recovery_codes")}">generate a new set</a>' in page


def test_the_last_code_says_none_are_left(client, clock, member, codes):
    for code in codes[:9]:
        recovery.use_recovery_code(member, code, now=clock.now - 30)
    post_password(client, "member@acme.example")
    response = post_recovery(client, codes[9])
    assert response.status_code == 302 and texts(response)[0].startswith(
        'You used your last recovery code: <a href="/security/recovery-codes/">generate a new set</a> now')


def test_wrong_recovery_codes_count_toward_the_attempt_limit(client, clock, member, codes):
    post_password(client, "member@acme.example")
    for left in (4, 3, 2, 1):
        response = post_recovery(client, "00000-00000")
        assert response.status_code == 400 and response.context["attempts_left"] == left
        assert response.context["form"].has_error("recovery_code", "invalid_recovery_code")
    fifth = post_recovery(client, "00000-00000")
    assert fifth.status_code == 302 and fifth["Location"] == reverse("mfa:signin")
    assert post_recovery(client, codes[0])["Location"] == reverse("mfa:signin")
    assert signed_in_user_id(client) is None
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0
    assert AuditEvent.objects.filter(action="mfa.code_failed", detail__reason="invalid_recovery_code").count() == 5


def test_a_used_code_is_refused_at_the_next_sign_in(client, clock, member, codes):
    post_password(client, "member@acme.example")
    assert post_recovery(client, codes[0]).status_code == 302
    client.post(reverse("mfa:signout"))
    post_password(client, "member@acme.example")
    response = post_recovery(client, codes[0])
    assert response.status_code == 400 and response.context["form"].has_error("recovery_code", "used_recovery_code")
    assert signed_in_user_id(client) is None


def test_a_code_that_cannot_be_one_is_explained_and_not_counted(client, clock, member, codes):
    post_password(client, "member@acme.example")
    response = post_recovery(client, "123456")
    assert response.status_code == 400
    assert response.context["form"].has_error("recovery_code", "malformed_recovery_code")
    assert client.session["twostep_pending"]["attempts"] == 0
    assert post_recovery(client, "").context["form"].has_error("recovery_code", "required")


def test_recovery_form_is_only_for_the_code_step(client, clock, member):
    assert client.get(RECOVERY)["Location"] == reverse("mfa:signin")
    post_password(client, "member@acme.example")  # no authenticator yet: the setup step
    assert client.get(RECOVERY)["Location"] == reverse("mfa:setup")
    assert post_recovery(client, "abcde-fghjk")["Location"] == reverse("mfa:setup")


def test_a_lock_refuses_recovery_codes_too_and_points_to_support(client, clock, member, codes):
    set_throttle(member, failures=100, locked_at=clock.moment)
    post_password(client, "member@acme.example")
    locked = client.get(reverse("mfa:code"))
    assert locked.status_code == 403 and locked.templates[0].name == "mfa/locked.html"
    assert RECOVERY not in locked.content.decode()  # no recovery code is offered
    assert client.get(RECOVERY).status_code == 403
    response = post_recovery(client, codes[0])
    assert response.status_code == 403 and response.templates[0].name == "mfa/locked.html"
    assert signed_in_user_id(client) is None and client.session["twostep_pending"]["attempts"] == 0
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0
    assert throttle_of(member).locked_at == clock.moment
    assert list(AuditEvent.objects.filter(subject_id=member.pk).order_by("id").values_list("action", "detail"))[3:] == [
        ("mfa.throttled", {"reason": "locked", "retry_after": 0, "factor": "recovery_code", "purpose": "signin"})]
