"""Links with a secret in their path (a password-reset link, an invitation link) are logged as their URL
pattern: whoever reads the logs must not be able to open them."""

import logging
import re

import pytest
from django.urls import reverse

from twostep.organizations import invitations

pytestmark = pytest.mark.django_db


def request_lines(caplog) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in caplog.records if r.name == "twostep.request"]


def test_reset_and_invitation_links_are_logged_without_their_tokens(client, clock, caplog, make_user, make_org,
                                                                    mailoutbox):
    caplog.set_level(logging.INFO, logger="twostep.request")
    admin = make_user("admin@acme.example")
    acme = make_org("Acme Calibration", slug="acme", admins=[admin])
    client.post(reverse("accounts:password_reset"), {"email": "admin@acme.example"})
    reset_link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+)", mailoutbox[-1].body).group(1)
    invitations.invite_member(acme, email="newcomer@acme.example", role="member", actor=admin, now=clock.now)
    invitation_link = re.search(r"https?://[^/\s]+(/invitations/\S+)", mailoutbox[-1].body).group(1)
    caplog.clear()

    assert client.get(reset_link).status_code == 302
    assert client.get(invitation_link)["Location"] == reverse("invitations:accept")

    reset_token = reset_link.strip("/").split("/")[-1]
    invitation_token = invitation_link.strip("/").split("/")[-1]
    assert request_lines(caplog) == [
        ("GET", "/account/password-reset/<uidb64>/<token>/", 302),
        ("GET", "/invitations/<str:link>/", 302),
    ]
    assert reset_token not in caplog.text and invitation_token not in caplog.text
    assert "GET /account/password-reset/<uidb64>/<token>/ 302" in caplog.text


@pytest.mark.parametrize("path", [
    "/account/password-reset/Mw/d3f-0123456789abcdef0123",       # no trailing slash: redirected before a view
    "/account/password-reset/Mw/d3f-0123456789abcdef0123/x/",    # an extra segment: 404
    "/mfa/not-me/WyJhYmMiXQ:1tQ2xA:abcdefghijklmnopqrstuv",      # no trailing slash
])
def test_a_path_no_url_matches_is_logged_with_long_segments_redacted(client, caplog, path):
    caplog.set_level(logging.INFO, logger="twostep.request")
    client.get(path)
    (line,) = [r for r in caplog.records if r.name == "twostep.request"]
    secret = [segment for segment in path.split("/") if len(segment) >= 16][0]
    assert secret not in caplog.text and "<redacted>" in line.path


def test_a_pending_sign_in_opening_a_reset_link_logs_no_token(client, clock, caplog, make_user, make_org,
                                                              require_mfa, mailoutbox):
    from tests.conftest import post_password

    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    Client = type(client)
    other = Client()
    other.post(reverse("accounts:password_reset"), {"email": "member@acme.example"})
    link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+)", mailoutbox[-1].body).group(1)
    post_password(client, "member@acme.example")
    caplog.set_level(logging.INFO, logger="twostep.request")
    assert client.get(link).status_code == 302  # sent back to the step it owes
    assert link.strip("/").split("/")[-1] not in caplog.text
