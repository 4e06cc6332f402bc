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
