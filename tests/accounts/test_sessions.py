"""Ending sessions everywhere: other browsers become signed out at their next request; staff end a user's
sessions from the admin site, audited."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from twostep.accounts import sessions
from twostep.accounts.models import User
from twostep.accounts.sessions import end_all_sessions
from twostep.audit import labels
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_end_all_sessions_signs_out_every_browser(clock, make_user):
    user = make_user("nora@northwind.example")
    laptop, phone = Client(), Client()
    post_password(laptop, "nora@northwind.example")
    post_password(phone, "nora@northwind.example")
    assert laptop.get("/").status_code == phone.get("/").status_code == 200
    end_all_sessions(user)
    for browser in (laptop, phone):
        response = browser.get("/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:signin"))


def signed_in(email: str) -> Client:
    browser = Client()
    post_password(browser, email)
    assert browser.get("/").status_code == 200
    return browser


def ended_events():
    return list(AuditEvent.objects.filter(action="account.sessions_ended").order_by("id")
                .values_list("actor_id", "actor_label", "subject_id", "detail"))


def test_end_sessions_of_ones_own_account_keeps_this_session_under_a_new_key(clock, make_user, rf):
    user = make_user("nora@northwind.example")
    laptop, phone = signed_in("nora@northwind.example"), signed_in("nora@northwind.example")
    request = rf.get("/")
    request.user, request.session = user, SessionStore(laptop.cookies["sessionid"].value)
    key = request.session.session_key
    assert sessions.end_sessions(user, actor=user, by=sessions.BY_USER, request=request) == sessions.OTHERS
    request.session.save()
    assert request.session.session_key != key
    assert phone.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert ended_events() == [(user.pk, "nora@northwind.example", user.pk, {"scope": "others", "by": "user"})]


def test_the_audit_trail_reads_who_ended_which_sessions():
    assert labels.label("account.sessions_ended") == "Sessions ended"
    assert labels.summary({"scope": "others", "by": "user"}) == "sessions: all but the one in use; asked by: the user"
    assert labels.summary({"scope": "all", "by": "operator"}) == "sessions: all of them; asked by: an operator"


def test_end_sessions_for_someone_else_ends_every_session(clock, make_user):
    user, staff = make_user("nora@northwind.example"), make_user("ops@example.com", is_staff=True)
    laptop = signed_in("nora@northwind.example")
    assert sessions.end_sessions(user, actor=staff, by=sessions.BY_STAFF) == sessions.ALL
    assert laptop.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert ended_events() == [(staff.pk, "ops@example.com", user.pk, {"scope": "all", "by": "staff"})]


@pytest.fixture
def admin_client(client, clock, make_user, enrolled):
    staff = make_user("ops@example.com", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="change_user"))
    enrolled(staff)
    post_password(client, "ops@example.com")
    post_code(client, code_for(staff, clock.now))
    return client


def end_all_sessions_of(client, *users):
    return client.post("/admin/accounts/user/", {"action": "end_all_sessions",
                                                 "_selected_action": [user.pk for user in users]})


def test_staff_end_all_sessions_of_a_user_from_the_admin_site(admin_client, clock, make_user):
    nora, max_ = make_user("nora@northwind.example"), make_user("max@northwind.example")
    laptop, phone, other = (signed_in("nora@northwind.example"), signed_in("nora@northwind.example"),
                            signed_in("max@northwind.example"))
    page = admin_client.get("/admin/accounts/user/").content.decode()
    assert '<option value="end_all_sessions">End all sessions</option>' in page
    response = end_all_sessions_of(admin_client, nora)
    assert (response.status_code, response["Location"]) == (302, "/admin/accounts/user/")
    assert ("Ended every session of nora@northwind.example: they sign in again at their next request."
            in admin_client.get(response["Location"]).content.decode())
    for browser in (laptop, phone):
        assert browser.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert other.get("/").status_code == 200 and admin_client.get("/admin/").status_code == 200
    staff = User.objects.get(email="ops@example.com")
    assert ended_events() == [(staff.pk, "ops@example.com", nora.pk, {"scope": "all", "by": "staff"})]
    assert max_.pk not in [event[2] for event in ended_events()]


def test_staff_ending_their_own_sessions_keep_this_one(admin_client, clock):
    staff = User.objects.get(email="ops@example.com")
    end_all_sessions_of(admin_client, staff)
    assert admin_client.get("/admin/").status_code == 200
    assert ended_events() == [(staff.pk, "ops@example.com", staff.pk, {"scope": "others", "by": "staff"})]


def test_staff_who_may_not_change_users_cannot_end_sessions(client, clock, make_user, enrolled):
    viewer = make_user("viewer@example.com", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="view_user"))
    enrolled(viewer)
    post_password(client, "viewer@example.com")
    post_code(client, code_for(viewer, clock.now))
    nora = make_user("nora@northwind.example")
    laptop = signed_in("nora@northwind.example")
    assert "end_all_sessions" not in client.get("/admin/accounts/user/").content.decode()
    end_all_sessions_of(client, nora)
    assert laptop.get("/").status_code == 200 and ended_events() == []
