"""The Security page: status, replacing the authenticator, new recovery codes, turning MFA off."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password, prove_mailbox, set_throttle, throttle_of
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep import otp
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import vault
from twostep.mfa.models import Authenticator, RecoveryCode
from twostep.mfa.recovery import services as recovery
from twostep.mfa.rollout.services import set_require_mfa
from twostep.mfa.signin.journey import MFA_VERIFIED_AT

pytestmark = pytest.mark.django_db
SHOWN_CODE = re.compile(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>")


@pytest.fixture
def stepped_up(client, clock, member, codes):
    """The member, signed in with a code and freshly stepped up."""
    force_sign_in(client, member, verified_at=clock.now, stepped_up_at=clock.now)
    return member


def actions(user, since_id=0):
    return list(AuditEvent.objects.filter(subject_id=user.pk, id__gt=since_id).order_by("id")
                .values_list("action", flat=True))


def vault_secret(authenticator) -> bytes:
    return vault.unseal(authenticator.sealed_secret)


def last_event_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_security_page_needs_a_signed_in_user(client, clock):
    response = client.get(reverse("mfa:security"))
    assert response.status_code == 302 and response["Location"] == "/signin/?next=/security/"


def test_security_page_shows_the_authenticator_and_what_can_be_done(client, clock, member, codes):
    Authenticator.objects.filter(user=member).update(last_used_at=clock.moment)
    force_sign_in(client, member, verified_at=clock.now)
    assert f'href="{reverse("mfa:security")}"' in client.get("/").content.decode()
    page = client.get(reverse("mfa:security")).content.decode()
    assert "<dt>Authenticator</dt><dd>Authenticator app</dd>" in page
    assert "<dt>Added</dt><dd>29 Nov 2026, 23:59 UTC</dd>" in page
    assert "<dt>Last used</dt><dd>30 Nov 2026, 00:00 UTC</dd>" in page
    assert "<dt>Recovery codes</dt><dd>10 of 10 unused</dd>" in page
    assert f'href="{reverse("mfa:enroll")}?next=%2Fsecurity%2F">Replace authenticator app' in page
    assert f'href="{reverse("mfa:recovery_codes")}">Generate new recovery codes' in page
    assert reverse("mfa:disable") not in page
    assert "Acme Calibration requires multi-factor authentication. It cannot be turned off." in page
    assert "Only" not in page


def test_security_page_warns_at_three_codes_left(client, clock, member, codes):
    for code in codes[:7]:
        recovery.use_recovery_code(member, code, now=clock.now)
    force_sign_in(client, member, verified_at=clock.now)
    assert "Only 3 recovery codes left: generate a new set." in client.get(reverse("mfa:security")).content.decode()


@pytest.mark.parametrize("name", ["mfa:enroll", "mfa:enroll_confirm", "mfa:recovery_codes", "mfa:disable"])
def test_every_change_needs_a_step_up(client, clock, member, codes, name):
    force_sign_in(client, member, verified_at=clock.now)
    url = reverse(name)
    for response in (client.get(url), client.post(url, {"code": "123456"})):
        assert response.status_code == 302 and response["Location"] == f"/stepup/?next={url.replace('/', '%2F')}"
    assert Authenticator.objects.filter(user=member).count() == 1
    assert RecoveryCode.objects.filter(user=member).count() == 10


def test_replacing_the_authenticator_keeps_the_old_one_until_the_new_one_is_confirmed(
        client, clock, member, codes):
    post_password(client, "member@acme.example")
    post_code(client, code_for(member, clock.now))
    clock.advance(601)  # the step-up of the sign-in itself has expired
    assert client.get(reverse("mfa:enroll"))["Location"] == "/stepup/?next=%2Fmfa%2Fsetup%2F"
    stepup = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(member, clock.now),
                                                 "next": reverse("mfa:enroll")})
    assert stepup["Location"] == reverse("mfa:enroll")
    page = client.get(reverse("mfa:enroll")).content.decode()
    assert "Replace your authenticator app" in page and "<svg" in page
    assert "A new code every 30 seconds (the usual choice)" in page
    new_secret = otp.b32decode(re.search(r'id="setup-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", ""))
    old = Authenticator.objects.get(user=member, confirmed_at__isnull=False)

    clock.advance(30)
    laptop = Client()  # the old app still signs in while the new one is not confirmed
    post_password(laptop, "member@acme.example")
    assert post_code(laptop, otp.totp(vault_secret(old), now=clock.now))["Location"] == "/"

    since = last_event_id()
    wrong = client.post(reverse("mfa:enroll_confirm"), {"code": otp.totp(vault_secret(old), now=clock.now + 30)})
    assert wrong.status_code == 400 and wrong.context["form"].has_error("code", "invalid_code")
    done = client.post(reverse("mfa:enroll_confirm"), {"code": otp.totp(new_secret, now=clock.now)})
    assert done.status_code == 200
    new_codes = SHOWN_CODE.findall(done.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert "The old one no longer works" in done.content.decode()
    # The laptop signed in with the old app is signed out; this browser stays signed in.
    assert laptop.get("/")["Location"].startswith("/signin/")
    assert client.get("/").status_code == 200
    assert not Authenticator.objects.filter(pk=old.pk).exists()
    assert Authenticator.objects.get(user=member).confirmed_at == clock.moment
    assert actions(member, since) == ["mfa.enrolled", "mfa.recovery_codes_generated"]
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(member, codes[0], now=clock.now)
    assert client.get("/").status_code == 200


def test_the_codes_page_is_not_stored_nor_its_address_referred_and_works_without_javascript(client, stepped_up):
    response = client.post(reverse("mfa:recovery_codes"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "strict-origin"
    page = response.content.decode()
    shown = SHOWN_CODE.findall(page)
    assert len(shown) == 10
    assert '<button type="button" data-copy-codes hidden>Copy</button>' in page
    assert '<script src="/static/twostep/recovery-codes.js" defer></script>' in page
    assert "<script>" not in page and not any(code in href for code in shown
                                              for href in re.findall(r'(?:href|action)="([^"]*)"', page))
    assert client.get("/static/twostep/recovery-codes.js").status_code == 200


def test_step_up_accepts_a_recovery_code_in_place_of_the_app(client, clock, member, codes):
    force_sign_in(client, member, verified_at=clock.now)
    page = client.get(reverse("mfa:stepup") + "?next=/security/").content.decode()
    assert 'href="/stepup/?next=%2Fsecurity%2F&amp;method=recovery">Lost your phone?' in page
    form = client.get(reverse("mfa:stepup") + "?next=/security/&method=recovery").content.decode()
    assert 'name="recovery_code"' in form and 'name="code"' not in form
    wrong = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "recovery_code": "00000-00000",
                                                "method": "recovery", "next": "/security/"})
    assert wrong.status_code == 400 and wrong.context["form"].has_error("recovery_code", "invalid_recovery_code")
    ok = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "recovery_code": codes[4],
                                             "method": "recovery", "next": "/security/"})
    assert ok.status_code == 302 and ok["Location"] == "/security/"
    assert client.session["twostep_stepup_at"] == clock.now
    assert recovery.remaining_recovery_codes(member) == 9
    assert actions(member)[3:] == ["mfa.code_failed", "stepup", "mfa.recovery_code_used", "stepup"]
    assert list(AuditEvent.objects.filter(action="stepup").order_by("id").values_list("outcome", flat=True)) == [
        "failure", "success"]


def test_a_wrong_password_does_not_use_up_the_recovery_code(client, clock, member, codes):
    force_sign_in(client, member, verified_at=clock.now)
    response = client.post(reverse("mfa:stepup"), {"password": "wrong", "recovery_code": codes[0],
                                                   "method": "recovery", "next": "/"})
    assert response.status_code == 400 and recovery.remaining_recovery_codes(member) == 10


def test_a_new_set_of_recovery_codes_voids_the_old(client, clock, stepped_up, codes):
    page = client.get(reverse("mfa:recovery_codes")).content.decode()
    assert "You have 10 unused recovery codes" in page and "the old codes stop working at once" in page
    since = last_event_id()
    new = SHOWN_CODE.findall(client.post(reverse("mfa:recovery_codes")).content.decode())
    assert len(new) == 10 and not set(new) & set(codes)
    assert actions(stepped_up, since) == ["mfa.recovery_codes_generated"]
    with pytest.raises(recovery.InvalidRecoveryCodeError):
        recovery.use_recovery_code(stepped_up, codes[0], now=clock.now)
    assert recovery.use_recovery_code(stepped_up, new[0], now=clock.now) == 9


def test_download_holds_only_the_users_unused_codes(client, clock, stepped_up, codes):
    recovery.use_recovery_code(stepped_up, codes[0], now=clock.now)
    url = reverse("mfa:recovery_codes_download")
    response = client.post(url, {"codes": [*codes, "zzzzz-zzzzz"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="twostep-recovery-codes.txt"'
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert text.splitlines()[0] == "twostep recovery codes for member@acme.example"  # TWOSTEP_ISSUER
    assert text.splitlines()[3:] == codes[1:]
    assert client.get(url).status_code == 405


def test_download_is_csrf_protected(clock, member, codes):
    browser = Client(enforce_csrf_checks=True)
    force_sign_in(browser, member, verified_at=clock.now)
    assert browser.post(reverse("mfa:recovery_codes_download"), {"codes": codes}).status_code == 403


def test_download_refuses_codes_that_are_not_the_users(client, clock, make_user, codes):
    other = make_user("other@acme.example")
    force_sign_in(client, other)
    response = client.post(reverse("mfa:recovery_codes_download"), {"codes": codes})
    assert response.status_code == 400 and "Content-Disposition" not in response  # no file, the codes page
    assert response.templates[0].name == "mfa/recovery_codes_new.html"


def test_mfa_cannot_be_turned_off_while_an_organization_requires_it(client, clock, stepped_up):
    get = client.get(reverse("mfa:disable"))
    assert get.status_code == 403 and f'action="{reverse("mfa:disable")}"' not in get.content.decode()  # no button
    post = client.post(reverse("mfa:disable"))
    assert post.status_code == 403
    assert Authenticator.objects.filter(user=stepped_up).count() == 1
    assert not AuditEvent.objects.filter(action="mfa.disabled").exists()


def test_mfa_cannot_be_turned_off_during_a_grace_period(client, clock, make_user, make_org):
    user = make_user("nora@northwind.example")
    northwind = make_org("Northwind Labs", members=[user])
    set_require_mfa(northwind, required=True, actor=None, moment=clock.moment,
                    enforce_from=clock.moment + timedelta(days=7))
    enroll_with_codes(user, now=clock.now - 60)
    force_sign_in(client, user, verified_at=clock.now, stepped_up_at=clock.now)
    response = client.post(reverse("mfa:disable"))
    assert response.status_code == 403 and Authenticator.objects.filter(user=user).exists()


def test_staff_cannot_turn_mfa_off(client, clock, make_user):
    user = make_user("ops@example.com", is_staff=True)
    enroll_with_codes(user, now=clock.now - 60)
    force_sign_in(client, user, verified_at=clock.now, stepped_up_at=clock.now)
    response = client.post(reverse("mfa:disable"))
    assert response.status_code == 403 and Authenticator.objects.filter(user=user).exists()


def test_turning_mfa_off_when_nothing_requires_it(client, clock, make_user, make_org):
    user = make_user("nora@northwind.example")
    make_org("Northwind Labs", members=[user])
    enroll_with_codes(user, now=clock.now - 60)
    force_sign_in(client, user, verified_at=clock.now, stepped_up_at=clock.now)
    assert f'href="{reverse("mfa:disable")}"' in client.get(reverse("mfa:security")).content.decode()
    assert client.get(reverse("mfa:disable")).status_code == 200
    response = client.post(reverse("mfa:disable"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa:security")
    assert not Authenticator.objects.filter(user=user).exists() and not RecoveryCode.objects.filter(user=user).exists()
    assert list(AuditEvent.objects.filter(action="mfa.disabled").values_list("actor_id", "subject_id", "detail")) == [
        (user.pk, user.pk, {"authenticators": 1, "recovery_codes": 10})]
    client.post(reverse("mfa:signout"))
    assert post_password(client, "nora@northwind.example")["Location"] == "/"


def test_voluntary_setup_keeps_the_session_signed_in(client, clock, make_user):
    user = make_user("nora@northwind.example")
    force_sign_in(client, user)
    page = client.get(reverse("mfa:security")).content.decode()
    assert "Off." in page and f'href="{reverse("mfa:enroll")}?next=%2Fsecurity%2F">Set up an authenticator app' in page
    step = client.get(reverse("mfa:stepup") + "?next=/mfa/setup/").content.decode()
    assert 'name="password"' in step and 'name="code"' not in step and "recovery code" not in step
    client.post(reverse("mfa:stepup"), {"password": PASSWORD, "next": "/mfa/setup/"})
    prove_mailbox(client, "mfa:enroll_mailbox")
    page = client.get(reverse("mfa:enroll") + "?next=/security/").content.decode()
    assert "Set up multi-factor authentication" in page
    secret = otp.b32decode(re.search(r'id="setup-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", ""))
    done = client.post(reverse("mfa:enroll_confirm"), {"code": otp.totp(secret, now=clock.now), "next": "/security/"})
    assert done.status_code == 200 and len(SHOWN_CODE.findall(done.content.decode())) == 10
    assert 'href="/security/">I have saved my recovery codes</a>' in done.content.decode()
    assert client.session[MFA_VERIFIED_AT] == clock.now
    assert client.get("/").status_code == 200
    assert actions(user) == ["stepup", "mfa.mailbox_code_sent", "mfa.mailbox_verified", "mfa.setup_started",
                             "mfa.enrolled", "mfa.recovery_codes_generated"]


def test_confirm_without_a_scan_goes_back_to_the_qr_code(client, clock, stepped_up):
    assert client.get(reverse("mfa:enroll_confirm"))["Location"] == reverse("mfa:enroll")
    response = client.post(reverse("mfa:enroll_confirm"), {"code": "123456", "next": "/security/"})
    assert response["Location"] == reverse("mfa:enroll") + "?next=%2Fsecurity%2F"
    assert Authenticator.objects.filter(user=stepped_up).count() == 1


def test_a_lock_refuses_the_step_up_with_a_recovery_code_too(client, clock, member, codes):
    set_throttle(member, failures=100, locked_at=clock.moment)
    force_sign_in(client, member, verified_at=clock.now)
    for url in ("/stepup/?next=/mfa/setup/", "/stepup/?next=/mfa/setup/&method=recovery"):
        locked = client.get(url)
        assert locked.status_code == 403 and locked.templates[0].name == "mfa/locked.html"
    refused = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "recovery_code": codes[0],
                                                  "method": "recovery", "next": "/mfa/setup/"})
    assert refused.status_code == 403 and refused.templates[0].name == "mfa/locked.html"
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=True).count() == 10
    assert throttle_of(member).locked_at == clock.moment


def test_download_names_the_site_from_the_issuer_setting(client, clock, stepped_up, codes, settings):
    settings.TWOSTEP_ISSUER = "Acme Portal"
    response = client.post(reverse("mfa:recovery_codes_download"), {"codes": codes})
    assert response.content.decode().splitlines()[0] == "Acme Portal recovery codes for member@acme.example"
