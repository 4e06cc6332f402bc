"""Django's admin site: staff only, and only after a sign-in that passed a code in this session."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password, set_throttle, throttle_of
from twostep.audit import events
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator
from twostep.mfa.signin.journey import MFA_VERIFIED_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user, enrolled):
    user = make_user("ops@example.com", is_staff=True, is_superuser=True)
    enrolled(user)
    return user


def signed_in_with_code(client, user, clock):
    post_password(client, user.email)
    assert post_code(client, code_for(user, clock.now)).status_code == 302
    return client


def test_staff_signed_in_with_a_code_reaches_the_admin(client, clock, operator):
    signed_in_with_code(client, operator, clock)
    page = client.get("/admin/")
    assert page.status_code == 200 and "twostep administration" in page.content.decode()


def test_admin_login_page_leads_to_the_portal_sign_in_and_never_signs_in(client, clock, operator):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/login/?next=/admin/"
    login = client.get(response["Location"])
    assert login.status_code == 302 and login["Location"] == "/signin/?next=/admin/"
    posted = client.post("/admin/login/?next=/admin/", {"username": "ops@example.com", "password": "x"})
    assert posted.status_code == 302 and posted["Location"] == "/signin/?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_after_the_code_the_staff_member_lands_on_the_admin(client, clock, operator):
    post_password(client, "ops@example.com", next="/admin/")
    assert post_code(client, code_for(operator, clock.now))["Location"] == "/admin/"


def test_staff_session_without_a_code_is_sent_through_the_code_step(client, clock, operator, settings):
    # Without the enforcement middleware, the admin site's own check still holds.
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if not m.endswith("MfaEnforcementMiddleware")]
    client.force_login(operator)
    assert client.session.get(MFA_VERIFIED_AT) is None
    response = client.get("/admin/audit/auditevent/")
    assert response["Location"] == "/admin/login/?next=/admin/audit/auditevent/"
    gate = client.get(response["Location"])
    assert gate.status_code == 302 and gate["Location"] == reverse("mfa:code")
    assert "_auth_user_id" not in client.session
    assert post_code(client, code_for(operator, clock.now))["Location"] == "/admin/audit/auditevent/"
    assert client.get("/admin/audit/auditevent/").status_code == 200


def test_staff_without_an_authenticator_goes_to_setup(client, clock, make_user, settings):
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if not m.endswith("MfaEnforcementMiddleware")]
    client.force_login(make_user("new-ops@example.com", is_staff=True))
    assert client.get("/admin/login/?next=/admin/")["Location"] == reverse("mfa:setup")


def test_signed_in_member_who_is_not_staff_gets_403(client, clock, make_user):
    make_user("nora@northwind.example")
    post_password(client, "nora@northwind.example")
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_audit_events_are_read_only_in_the_admin(client, clock, operator):
    signed_in_with_code(client, operator, clock)
    event = AuditEvent.objects.get(action="signin.succeeded")
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    view = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"}).status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "signin.succeeded"


def test_user_and_authenticator_pages_never_show_secrets(client, clock, operator):
    signed_in_with_code(client, operator, clock)
    authenticator = Authenticator.objects.get(user=operator)
    pages = [client.get(f"/admin/accounts/user/{operator.pk}/change/"),
             client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/"),
             client.get("/admin/mfa/authenticator/")]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert authenticator.sealed_secret not in html and operator.password not in html
        assert "sealed_secret" not in html and "session_epoch" not in html
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get(f"/admin/mfa/authenticator/{authenticator.pk}/delete/").status_code == 403


def test_second_factor_lockouts_are_shown_read_only(client, clock, operator, make_user):
    locked = make_user("locked@example.com")
    set_throttle(locked, failures=100, locked_at=clock.moment)
    signed_in_with_code(client, operator, clock)
    listing = client.get("/admin/mfa/factorthrottle/?locked_at__isnull=False")
    assert listing.status_code == 200
    url = f"/admin/mfa/factorthrottle/{locked.pk}/change/"
    assert url in listing.content.decode()  # the operator's own row (no wrong codes, not locked) is filtered out
    assert f"/admin/mfa/factorthrottle/{operator.pk}/change/" not in listing.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert '<div class="readonly">100</div>' in page.content.decode()
    assert client.post(url, {"failures": 0}).status_code == 403
    assert client.post(f"/admin/mfa/factorthrottle/{locked.pk}/delete/", {"post": "yes"}).status_code == 403
    assert throttle_of(locked).failures == 100


def test_staff_who_is_not_superuser_cannot_grant_privileges(client, clock, make_user, enrolled):
    from django.contrib.auth.models import Permission

    helper = make_user("helper@example.com", is_staff=True)
    helper.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    enrolled(helper)
    signed_in_with_code(client, helper, clock)
    client.post(f"/admin/accounts/user/{helper.pk}/change/",
                {"email": "helper@example.com", "name": "", "is_active": "on", "is_superuser": "on"})
    helper.refresh_from_db()
    assert helper.is_superuser is False


def test_admin_sign_out_is_the_portal_sign_out(client, clock, operator):
    signed_in_with_code(client, operator, clock)
    other = signed_in_with_code(Client(), operator, _later(clock))
    response = client.post("/admin/logout/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    assert "_auth_user_id" not in client.session
    assert other.get("/admin/").status_code == 200  # like the portal's sign-out, this device only at first
    assert list(AuditEvent.objects.filter(action=events.SIGNOUT, subject_id=operator.pk).values_list(
        "detail", flat=True)) == [{"all_sessions": False}]


def test_admin_password_change_goes_through_step_up(client, clock, operator):
    signed_in_with_code(client, operator, clock)
    clock.advance(601)  # the step-up of the sign-in itself has expired
    response = client.get("/admin/password_change/")
    assert response["Location"] == reverse("mfa:change_password")
    assert client.get(response["Location"])["Location"].startswith("/stepup/")


def _later(clock):
    clock.advance(30)
    return clock
