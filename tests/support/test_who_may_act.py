"""The one rule of who may act on whom (``twostep.support.services``), enforced by the use cases themselves."""

import pytest

from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.disown import holds
from twostep.mfa.models import AccessPass, AccountHold, Authenticator
from twostep.mfa.recovery.reset import OPERATOR
from twostep.support import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(support_user, member, make_user, grant_support):
    colleague = grant_support(make_user("colleague@twostep.example", is_staff=True))
    root = User.objects.create_superuser("root@twostep.example", "x" * 12)
    return {"support": support_user, "member": member, "colleague": colleague, "root": root,
            "operator": OPERATOR}


@pytest.mark.parametrize("action", [services.RESET, services.ACCESS_PASS, services.LIFT_HOLD])
@pytest.mark.parametrize("actor, target, refused", [
    ("support", "member", None),
    ("support", "support", "own_account"),
    ("support", "colleague", "staff_account"),
    ("support", "root", "staff_account"),
    ("root", "colleague", None),
    ("root", "root", "own_account"),
    ("operator", "colleague", None),
    ("operator", "root", None),
])
def test_who_may_act_on_whom(clock, people, action, actor, target, refused):
    refusal = services.refusal(people[actor], people[target], action)
    assert (refusal.code if refusal else None) == refused


def test_the_reset_use_case_refuses_on_its_own(clock, people):
    with pytest.raises(services.OwnAccountError) as own:
        services.reset_user_mfa(people["support"], actor=people["support"], reason="Lost phone",
                                identity_check="callback", now=clock.now)
    assert own.value.code == "own_account"
    assert Authenticator.objects.filter(user=people["support"]).count() == 1
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_the_access_pass_use_case_refuses_on_its_own(clock, people):
    with pytest.raises(services.StaffAccountError) as staff:
        services.issue_user_access_pass(people["colleague"], actor=people["support"], reason="No mail", now=clock.now)
    assert staff.value.code == "staff_account"
    assert not AccessPass.objects.exists() and not AuditEvent.objects.filter(action="mfa.access_pass_issued").exists()
    text, row = services.issue_user_access_pass(people["colleague"], actor=OPERATOR, reason="No mail", now=clock.now)
    assert (row.user, row.issued_by_label) == (people["colleague"], "operator (command line)")


def test_the_lift_hold_use_case_refuses_on_its_own(clock, people):
    holds.place_hold(people["colleague"], reason=AccountHold.Reason.DISOWNED, detail="Test hold", now=clock.now - 60)
    with pytest.raises(services.StaffAccountError) as staff:
        services.lift_user_hold(people["colleague"], actor=people["support"], reason="Called back",
                                identity_check="callback", now=clock.now)
    assert staff.value.code == "staff_account"
    assert holds.active_hold(people["colleague"]) is not None
    services.lift_user_hold(people["colleague"], actor=OPERATOR, reason="Called back", identity_check="callback",
                            now=clock.now)
    assert holds.active_hold(people["colleague"]) is None
