"""Required by one organization means required: an earlier organization that switched Require MFA on and off
again (its policy row says "not required") must not hide a later one that requires it."""

import pytest
from django.urls import reverse

from tests.conftest import post_password
from twostep.mfa import policy
from twostep.mfa.rollout.services import set_require_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(clock, make_user, make_org):
    """A member of Acme Calibration (joined first; Require MFA switched on, then off) and of Globex (joined
    second; Require MFA not switched yet)."""
    user = make_user("member@acme.example")
    acme = make_org("Acme Calibration", slug="acme", members=[user])
    make_org("Globex", slug="globex", members=[user])
    set_require_mfa(acme, required=True, actor=None, moment=clock.moment)
    clock.advance(60)
    set_require_mfa(acme, required=False, actor=None, moment=clock.moment)
    clock.advance(60)
    return user


def test_a_second_organization_that_requires_mfa_is_not_hidden_by_a_first_that_stopped(client, clock, member):
    # The control: nobody requires MFA yet, so the password alone signs in.
    assert not policy.mfa_required(member, moment=clock.moment)
    assert post_password(client.__class__(), "member@acme.example")["Location"] == reverse("home")
    globex = member.memberships.get(organization__slug="globex").organization
    set_require_mfa(globex, required=True, actor=None, moment=clock.moment)
    requirement = policy.requirement_for(member)
    assert requirement.enforced_from == clock.moment and requirement.required_at(clock.moment)
    assert policy.reason(member) == "Globex requires multi-factor authentication."
    response = post_password(client, "member@acme.example")
    assert response.status_code == 302 and response["Location"] == reverse("mfa:setup")
    assert "_auth_user_id" not in client.session
