"""Credentials over their life (OWASP ASVS 5.0 6.2.10, 6.3.2, 6.4.2, 6.4.4): no account comes with the software,
no password expires, no secret question or hint exists, and a lost second factor is replaced only after the
same proof as the first enrollment."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import mailed_code, post_password
from tests.signin_helpers import enroll_with_codes
from twostep.accounts.forms import ResetRequestForm
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.models import IdentityCheck
from twostep.organizations.forms import NewAccountForm
from twostep.support.services import reset_user_mfa

pytestmark = pytest.mark.django_db

TEN_YEARS = 10 * 365 * 86400


def test_a_new_installation_has_no_account():
    # The test database is built by the migrations alone, as `twostep migrate` builds a new one.
    assert list(User.objects.values_list("email", flat=True)) == []


def test_a_password_never_expires(client, clock, make_user):
    user = make_user("nora@northwind.example")
    long_ago = clock.moment - timedelta(seconds=TEN_YEARS)
    User.objects.filter(pk=user.pk).update(date_joined=long_ago, last_login=long_ago)
    clock.advance(TEN_YEARS)
    response = post_password(client, "nora@northwind.example")
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get(reverse("home")).status_code == 200


def test_no_secret_question_or_password_hint_is_asked_or_kept():
    hinting = ("hint", "question", "answer", "reminder")
    fields = [field.name for field in User._meta.get_fields()]
    assert [name for name in fields if any(word in name for word in hinting)] == []
    assert list(NewAccountForm(User(email="new@northwind.example")).fields) == ["name", "new_password1",
                                                                               "new_password2"]
    assert list(ResetRequestForm().fields) == ["email"]


def test_after_a_lost_factor_is_reset_the_new_setup_needs_the_mailbox_proof_again(clock, member, codes):
    support = User.objects.create_user("support@twostep.example", "support password 42", is_staff=True)
    enroll_with_codes(support, now=clock.now - 60)
    reset_user_mfa(member, actor=support, reason="Lost phone; called the number on file",
                   identity_check=IdentityCheck.CALLBACK, now=clock.now)
    assert AuditEvent.objects.get(action="mfa.reset").detail["identity_check"] == "callback"
    browser = Client()
    assert post_password(browser, member.email)["Location"] == reverse("mfa:setup")
    assert browser.get(reverse("mfa:setup"))["Location"] == reverse("mfa:setup_mailbox")
    mail.outbox.clear()
    browser.get(reverse("mfa:setup_mailbox"))
    assert mail.outbox[-1].to == [member.email]
    proven = browser.post(reverse("mfa:setup_mailbox"), {"action": "code", "code": mailed_code(mail.outbox[-1])})
    assert proven["Location"] == reverse("mfa:setup") and browser.get(reverse("mfa:setup")).status_code == 200
