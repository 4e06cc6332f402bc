"""``staff_required``: the guard of staff pages outside the admin site (the support console)."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from tests.conftest import code_for, post_code, post_password
from twostep.mfa.staff.gate import staff_required
from twostep.urls import urlpatterns as project_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@staff_required
def console(request):
    return HttpResponse("console")


urlpatterns = [*project_urls, path("console/", console, name="console")]


@pytest.fixture
def operator(make_user, enrolled):
    user = make_user("ops@example.com", is_staff=True)
    enrolled(user)
    return user


def test_anonymous_is_sent_to_sign_in_and_comes_back_after_the_code(client, clock, operator):
    response = client.get("/console/")
    assert response["Location"] == f"{reverse('mfa:signin')}?next=/console/"
    post_password(client, "ops@example.com", next="/console/")
    assert post_code(client, code_for(operator, clock.now))["Location"] == "/console/"
    assert client.get("/console/").content == b"console"


def test_signed_in_user_who_is_not_staff_gets_403(client, clock, make_user):
    make_user("nora@northwind.example")
    post_password(client, "nora@northwind.example")
    assert client.get("/console/").status_code == 403


def test_staff_session_without_a_code_goes_to_the_code_step(clock, operator, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("MfaEnforcementMiddleware")]
    browser = Client()
    browser.force_login(operator)
    response = browser.get("/console/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa:code")
    assert "_auth_user_id" not in browser.session
