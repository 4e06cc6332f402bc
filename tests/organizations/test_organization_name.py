"""An organization's name is one line (whitespace runs, line breaks included, become one space): it goes
into the subjects of the invitation and *Notify members* e-mails, where a line break is refused."""

import pytest
from django.urls import reverse

from tests.signin_helpers import force_sign_in
from twostep.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_a_name_with_line_breaks_is_saved_on_one_line_and_its_e_mails_go_out(client, clock, make_user, require_mfa,
                                                                             mailoutbox):
    admin, member = make_user("admin@acme.example"), make_user("member@acme.example")
    acme = Organization.objects.create(name="  Acme\r\nBcc: someone@evil.example\tLabs ", slug="acme")
    acme.memberships.create(user=admin, role="admin")
    acme.memberships.create(user=member, role="member")
    require_mfa(acme)
    force_sign_in(client, admin, verified_at=clock.now)

    invited = client.post(reverse("organizations:invite", args=["acme"]),
                          {"email": "newcomer@acme.example", "role": "member"})
    notified = client.post(reverse("mfa:notify", args=["acme"]))

    assert Organization.objects.get(pk=acme.pk).name == "Acme Bcc: someone@evil.example Labs"
    assert (invited.status_code, notified.status_code) == (302, 302)
    assert [(mail.subject, mail.to, mail.bcc) for mail in mailoutbox] == [
        ("Join Acme Bcc: someone@evil.example Labs on twostep", ["newcomer@acme.example"], []),
        ("Acme Bcc: someone@evil.example Labs now requires multi-factor authentication", ["admin@acme.example"], []),
        ("Acme Bcc: someone@evil.example Labs now requires multi-factor authentication", ["member@acme.example"], []),
    ]
