"""Response headers on every kind of page, and the production profile's `check --deploy`."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from tests.production.conftest import production_env

pytestmark = pytest.mark.django_db

SECRET_PAGE = {"Referrer-Policy": "strict-origin", "store": False}
ORDINARY_PAGE = {"Referrer-Policy": "same-origin", "store": True}


@pytest.fixture
def people(make_user, make_org, enrolled):
    admin = make_user("admin@acme.example", is_staff=True, is_superuser=True)
    enrolled(admin)
    newcomer = make_user("new@acme.example")
    make_org("Acme Calibration", slug="acme", admins=[admin], members=[newcomer])
    return admin, newcomer


def signed_in(client, clock, admin):
    post_password(client, admin.email)
    post_code(client, code_for(admin, clock.now))
    return client


def pending_setup(client, newcomer, require_mfa):
    require_mfa(newcomer.memberships.get().organization)
    post_password(client, newcomer.email)
    return client


def assert_headers(response, kind: dict) -> None:
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == kind["Referrer-Policy"]
    if not kind["store"]:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path, kind", [
    ("/signin/", ORDINARY_PAGE),
    ("/account/password-reset/", SECRET_PAGE),
    ("/account/password-reset/sent/", SECRET_PAGE),
    ("/account/password-reset/MQ/not-a-token/", SECRET_PAGE),
    ("/no-such-page/", ORDINARY_PAGE),
])
def test_anonymous_pages(client, clock, path, kind):
    assert_headers(client.get(path), kind)


@pytest.mark.parametrize("path", ["/signin/setup/", "/signin/setup/confirm/"])
def test_setup_pages_show_the_secret_and_are_never_stored(client, clock, people, require_mfa, path):
    session = pending_setup(client, people[1], require_mfa)
    session.get("/signin/setup/")  # the QR code first: the confirm page needs this session's setup
    response = session.get(path)
    assert response.status_code == 200
    assert_headers(response, SECRET_PAGE)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/stepup/", 200), ("/orgs/acme/settings/", 200), ("/orgs/acme/settings/mfa/", 200),
    ("/orgs/acme/audit/", 200), ("/orgs/globex/settings/", 403), ("/admin/", 200),
    ("/admin/audit/auditevent/", 200), ("/account/email/", 200),  # the sign-in with a code is a step-up
])
def test_signed_in_pages(client, clock, people, path, status):
    response = signed_in(client, clock, people[0]).get(path)
    assert response.status_code == status
    assert_headers(response, ORDINARY_PAGE)


@pytest.mark.parametrize("path", ["/mfa/setup/", "/mfa/setup/confirm/"])
def test_signed_in_enrollment_pages_show_the_secret_and_are_never_stored(client, clock, people, path):
    admin = people[0]
    signed_in(client, clock, admin)
    clock.advance(30)
    client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(admin, clock.now), "next": "/"})
    client.get("/mfa/setup/")  # the QR code first: the confirm page needs an authenticator being set up
    response = client.get(path)
    assert response.status_code == 200
    assert_headers(response, SECRET_PAGE)


def test_code_page(client, clock, people):
    post_password(client, people[0].email)
    assert_headers(client.get("/signin/code/"), ORDINARY_PAGE)


def test_shows_secret_decorator(rf):
    from django.http import HttpResponse

    from twostep.mfa.headers import shows_secret

    response = shows_secret(lambda request: HttpResponse("recovery codes"))(rf.get("/"))
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_cookies_are_httponly_and_samesite(client, clock, people):
    csrf = client.get(reverse("mfa:signin")).cookies["csrftoken"]
    session = signed_in(client, clock, people[0]).cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["httponly"] is True and cookie["samesite"] == "Lax"


# --- the production profile, in a fresh process (settings are read once at start-up) ---

def twostep_command() -> list[str]:
    script = Path(sys.executable).with_name("twostep")
    return [str(script)] if script.exists() else [sys.executable, "-m", "twostep.cli"]


def run_production(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = production_env(tmp_path, **env)
    return subprocess.run([*twostep_command(), *args], env=environment, capture_output=True, text=True,
                          timeout=120, check=False)


def test_check_deploy_reports_nothing_in_production(tmp_path):
    result = run_production(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_ssl_redirect_can_be_left_to_a_tls_terminating_proxy(tmp_path):
    result = run_production(tmp_path, "check", "--deploy", "--fail-level", "WARNING", TWOSTEP_SSL_REDIRECT="false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


def test_production_cookies_and_hsts(tmp_path):
    names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
             "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
             "DEBUG"]
    code = f"from django.conf import settings as s; print([getattr(s, n) for n in {names!r}])"
    result = run_production(tmp_path, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[True, True, 'Lax', True, True, 31536000, True, True, False]"
