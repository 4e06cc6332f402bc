"""Steps taken in an unexpected order: a sign-in that reached the setup step before an authenticator was
set up in another session must not replace that authenticator with the password alone."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password, prove_mailbox
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator

pytestmark = pytest.mark.django_db


def set_up_in(browser, user, now: int) -> Authenticator:
    assert post_password(browser, user.email)["Location"] == reverse("mfa:setup")
    prove_mailbox(browser)
    assert browser.get(reverse("mfa:setup")).status_code == 200
    assert post_code(browser, code_for(user, now), url="mfa:setup_confirm").status_code == 200
    return Authenticator.objects.get(user=user, confirmed_at__isnull=False)


@pytest.mark.parametrize("method, url", [("get", "mfa:setup"), ("get", "mfa:setup_confirm"),
                                         ("post", "mfa:setup_confirm")])
def test_setup_step_of_an_older_sign_in_moves_to_the_code_step_once_an_authenticator_exists(
        clock, member, method, url):
    other = Client()  # password only, still at the setup step
    assert post_password(other, member.email)["Location"] == reverse("mfa:setup")
    authenticator = set_up_in(Client(), member, clock.now)  # the member sets up the phone meanwhile
    clock.advance(30)

    response = getattr(other, method)(reverse(url), {"code": "123456"} if method == "post" else None)

    assert (response.status_code, response["Location"]) == (302, reverse("mfa:code"))
    assert other.get(reverse("mfa:setup"))["Location"] == reverse("mfa:code")
    assert list(Authenticator.objects.filter(user=member).values_list("pk", flat=True)) == [authenticator.pk]
    assert "_auth_user_id" not in other.session
    # The code from the phone that was set up is what signs this session in now.
    assert post_code(other, code_for(member, clock.now))["Location"] == reverse("home")
    assert other.session["_auth_user_id"] == str(member.pk)
    assert AuditEvent.objects.filter(action="mfa.enrolled").count() == 1

