"""Two admins acting on one member at the same moment (or one admin's double click): the second change
finds the member removed and is refused with a message, never a server error."""

import pytest

from twostep.audit.models import AuditEvent
from twostep.organizations import membership as service
from twostep.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_member(acme):
    """The member as both admins' requests loaded it, after the first one removed them."""
    admin = acme.memberships.get(user__email="admin@acme.example")
    member = acme.memberships.get(user__email="member@acme.example")
    service.remove_member(Membership.objects.get(pk=member.pk), actor=admin.user)
    return admin, member


@pytest.mark.parametrize("change", ["remove", "role"])
def test_a_change_to_a_member_removed_meanwhile_is_refused(clock, acme, stale_member, change):
    admin, member = stale_member
    with pytest.raises(service.NotAMemberError) as refused:
        if change == "remove":
            service.remove_member(member, actor=admin.user)
        else:
            service.change_role(member, role="admin", actor=admin.user)
    assert refused.value.code == "not_a_member"
    assert list(acme.memberships.values_list("user__email", "role")) == [("admin@acme.example", "admin")]
    assert list(AuditEvent.objects.filter(action__startswith="organization.").values_list("action", flat=True)) == [
        "organization.member_removed"]
