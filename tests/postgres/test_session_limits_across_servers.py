"""The session limits hold on every app server: a session signed in on one server and aged in the database
(its own stamps moved back, the servers keep reading the real clock) is signed out by the other server, and the
sign-in page of the first says why."""

import pytest

from tests.postgres.harness import Browser

pytestmark = pytest.mark.postgres

EMAIL, PASSWORD = "nora@northwind.example", "correct horse battery staple"

AGE_SESSION = """
import sys
from django.contrib.sessions.backends.db import SessionStore
key, stamp, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = SessionStore(session_key=key)
session[stamp] -= seconds
session.save()
"""


def signed_in(server) -> Browser:
    browser = Browser(server.address)
    assert browser.get("/signin/").status == 200
    response = browser.post("/signin/", {"email": EMAIL, "password": PASSWORD})
    assert (response.status, response.location) == (302, "/")
    return browser


def test_a_session_past_its_limit_is_signed_out_by_any_server(pg_app, two_servers):
    first, second = two_servers
    pg_app.django("from twostep.accounts.models import User; import sys; User.objects.create_user(*sys.argv[1:3])",
                  EMAIL, PASSWORD)
    for stamp, seconds, message in [
            ("twostep_seen_at", 1801, "signed out after 30 minutes without activity; sign in again."),
            ("twostep_signed_in_at", 43201, "signed out after 12 hours; sign in again.")]:
        browser = signed_in(first)
        assert browser.get("/", to=second.address).status == 200  # the other server knows the session
        pg_app.django(AGE_SESSION, browser.cookies["sessionid"], stamp, str(seconds))
        response = browser.get("/security/", to=second.address)
        assert (response.status, response.location) == (302, "/signin/?next=%2Fsecurity%2F")
        page = browser.get(response.location)
        assert page.status == 200 and f"For your security, you were {message}" in page.body
        assert browser.get("/").location.startswith("/signin/")
