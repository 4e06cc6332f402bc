"""Ending sessions (OWASP ASVS 5.0 7.4.1, 7.4.2, 7.4.5): a signed-out session is gone from the server, a
deactivated or deleted account's sessions end for good, and staff end the sessions of every user at once."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.accounts.test_sessions import admin_client, ended_events, signed_in  # noqa: F401  (admin_client: fixture)
from twostep.accounts.models import User

pytestmark = pytest.mark.django_db


def signed_out(browser) -> bool:
    response = browser.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("mfa:signin"))


def test_a_cookie_copied_before_sign_out_is_worth_nothing_after(clock, make_user):
    make_user("nora@northwind.example")
    browser = signed_in("nora@northwind.example")
    key = browser.cookies["sessionid"].value
    copy = Client()
    copy.cookies["sessionid"] = key
    assert copy.get(reverse("home")).status_code == 200
    browser.post(reverse("mfa:signout"))
    assert not Session.objects.filter(session_key=key).exists()  # the data is deleted on the server
    assert signed_out(copy)


def test_deactivating_an_account_ends_its_sessions_for_good(admin_client, clock, make_user):  # noqa: F811
    nora = make_user("nora@northwind.example")
    laptop, phone = signed_in(nora.email), signed_in(nora.email)
    form = {"email": nora.email, "name": "", "last_login_0": "", "last_login_1": "",
            "date_joined_0": "2026-11-30", "date_joined_1": "00:00:00"}
    off = admin_client.post(f"/admin/accounts/user/{nora.pk}/change/", form)  # "Active" left unticked
    assert off.status_code == 302 and not User.objects.get(pk=nora.pk).is_active
    assert signed_out(laptop) and signed_out(phone)
    back_on = admin_client.post(f"/admin/accounts/user/{nora.pk}/change/", {**form, "is_active": "on"})
    assert back_on.status_code == 302 and User.objects.get(pk=nora.pk).is_active
    assert signed_out(laptop) and signed_out(phone)  # re-activating the account revives no old session
    signed_in(nora.email)  # a new sign-in works again


def test_deleting_an_account_ends_its_sessions(clock, make_user):
    nora = make_user("nora@northwind.example")
    laptop = signed_in(nora.email)
    User.objects.filter(pk=nora.pk).delete()
    assert signed_out(laptop)


def test_staff_end_the_sessions_of_every_user_at_once(admin_client, clock, make_user):  # noqa: F811
    people = [make_user(f"{name}@northwind.example") for name in ("nora", "max", "ann")]
    browsers = [signed_in(person.email) for person in people]
    response = admin_client.post("/admin/accounts/user/", {"action": "end_all_sessions", "select_across": "1",
                                                           "index": "0", "_selected_action": [people[0].pk]})
    assert (response.status_code, response["Location"]) == (302, "/admin/accounts/user/")
    assert all(signed_out(browser) for browser in browsers)
    assert admin_client.get("/admin/").status_code == 200  # the acting staff member's own session stays
    staff = User.objects.get(email="ops@example.com")
    assert sorted((subject, detail["scope"]) for _, _, subject, detail in ended_events()) == sorted(
        [(person.pk, "all") for person in people] + [(staff.pk, "others")])
