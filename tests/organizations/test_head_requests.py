"""Pages that answer GET answer HEAD too (HTTP requires it of every server), with the same status and
headers and no body. Mail scanners send HEAD to the links in e-mails: an invitation link must not be
refused with 405, which Django also logs together with the link's token."""

import logging
import re

import pytest
from django.urls import reverse

from tests.signin_helpers import force_sign_in
from twostep.organizations import invitations

pytestmark = pytest.mark.django_db

PAGES = ["organizations:settings", "organizations:audit", "mfa:members", "mfa:members_csv"]


@pytest.mark.parametrize("name", PAGES)
def test_an_admin_page_answers_head_like_get(client, clock, acme, name):
    force_sign_in(client, acme.memberships.get(role="admin").user, verified_at=clock.now)
    url = reverse(name, args=["acme"])
    get, head = client.get(url), client.head(url)
    assert get.status_code == 200
    assert (head.status_code, head["Content-Type"]) == (200, get["Content-Type"])
    assert b"".join(head.streaming_content if head.streaming else [head.content]) == b""


def test_a_head_of_an_invitation_link_is_answered_and_logs_no_token(client, clock, acme, caplog, mailoutbox):
    caplog.set_level(logging.INFO)
    invitations.invite_member(acme, email="newcomer@acme.example", role="member",
                              actor=acme.memberships.get(role="admin").user, now=clock.now)
    link = re.search(r"https?://[^/\s]+(/invitations/\S+)", mailoutbox[-1].body).group(1)

    response = client.head(link)

    assert (response.status_code, response["Location"]) == (302, reverse("invitations:accept"))
    assert link.strip("/").split("/")[-1] not in caplog.text
