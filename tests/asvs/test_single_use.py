"""A mailed setup code works once (OWASP ASVS 5.0 6.5.1; codes from the app and recovery codes have their own
tests): once it proved the mailbox, the same code compares as used up, in the session it was mailed to."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import mailed_code, post_password
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.models import MailboxChallenge

pytestmark = pytest.mark.django_db


def test_a_mailed_setup_code_proves_the_mailbox_once(client, clock, member, rf):
    assert post_password(client, member.email)["Location"] == reverse("mfa:setup")
    client.get(reverse("mfa:setup_mailbox"))
    code = mailed_code(mail.outbox[-1])
    proven = client.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": code})
    assert proven["Location"] == reverse("mfa:setup")
    assert MailboxChallenge.objects.get(user=member).used_at is not None
    again = rf.post(reverse("mfa:setup_mailbox"))
    again.session = client.session  # the same browser, the same setup binding
    assert mailbox.check_code(again, member, code.replace(" ", ""), now=clock.now + 1) == "expired"
