"""A pending sign-in is bound to the password it was started with: a password changed between the password step
and the code step (the owner, in another browser, shutting out whoever knows the old one) ends it, and a correct
code does not finish it."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from tests.signin_helpers import force_sign_in
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a brand new passphrase 42"


def change_on_the_page(member, clock) -> None:
    """The owner, signed in elsewhere with a fresh step-up, changes the password on the Change password page."""
    owner = Client()
    force_sign_in(owner, member, verified_at=clock.now, stepped_up_at=clock.now)
    response = owner.post(reverse("mfa:change_password"), {
        "current_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def set_password_only(member, clock) -> None:
    """Only the password hash changes (an operator's ``changepassword``): no session is ended on purpose."""
    member.set_password(NEW_PASSWORD)
    member.save(update_fields=["password"])


@pytest.mark.parametrize("change", [change_on_the_page, set_password_only])
def test_a_password_change_ends_the_pending_sign_in(client, clock, member, enrolled, change):
    used = enrolled(member).last_used_step
    assert post_password(client, "member@acme.example")["Location"] == reverse("mfa:code")
    clock.advance(30)
    change(member, clock)
    response = post_code(client, code_for(member, clock.now))
    assert response.status_code == 302 and response["Location"] == reverse("mfa:signin")
    assert "_auth_user_id" not in client.session and "twostep_pending" not in client.session
    assert client.get(reverse("mfa:code"))["Location"] == reverse("mfa:signin")
    # The code was not even checked: not used up, no success, no failure.
    assert Authenticator.objects.get(user=member).last_used_step == used
    assert not AuditEvent.objects.filter(action__in=["signin.succeeded", "mfa.code_failed"]).exists()
