"""The demo's support user: support staff, who must use MFA, and the only one."""

import pytest

from twostep.accounts.models import User
from twostep.mfa import policy
from twostep.ops.demo import seed_demo
from twostep.organizations.models import Membership
from twostep.support.access import is_support

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_support_user_who_must_use_mfa(clock):
    accounts = {account.email: account.note for account in seed_demo()}
    assert "support console at /support/" in accounts["support@twostep.example"]
    support = User.objects.get(email="support@twostep.example")
    assert support.is_staff and not support.is_superuser and is_support(support)
    assert policy.requirement_for(support).is_staff
    assert not Membership.objects.filter(user=support).exists()
    assert [user.email for user in User.objects.all() if is_support(user)] == ["support@twostep.example"]
