"""Ending sessions everywhere: other browsers become signed out at their next request."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import post_password
from twostep.accounts.sessions import end_all_sessions

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
