"""The last admin on real PostgreSQL: the two admins of an organization demote (or remove) each other at the
same moment, many times over. Every time exactly one change goes through, the other is refused with
``last_admin`` (never a database error such as a deadlock), and one admin remains. Likewise a double
click on *Remove*: one removal, the other refused with ``not_a_member``."""

import json

import pytest

pytestmark = pytest.mark.postgres

TRIALS = 12
RACE = """
import json, sys, threading
from django.db import connection
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.organizations import membership
from twostep.organizations.models import Membership, Organization

def at_once(*calls):
    barrier, outcomes = threading.Barrier(len(calls)), []
    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            outcomes.append("ok")
        except membership.MembershipError as exc:
            outcomes.append(exc.code)
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()
    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)

trials, results = int(sys.argv[1]), {}
for kind, n in ((kind, n) for kind in sys.argv[2:] for n in range(trials)):
    organization = Organization.objects.create(name=f"Org {kind} {n}", slug=f"org-{kind}-{n}")
    ann, bob = (User.objects.create_user(f"{name}-{kind}-{n}@example.com") for name in ("ann", "bob"))
    ann_admin, bob_admin = (Membership.objects.create(user=user, organization=organization, role="admin")
                            for user in (ann, bob))
    if kind == "demote":
        calls = (lambda: membership.change_role(bob_admin, role="member", actor=ann),
                 lambda: membership.change_role(ann_admin, role="member", actor=bob))
    elif kind == "remove":
        calls = (lambda: membership.remove_member(bob_admin, actor=ann),
                 lambda: membership.change_role(ann_admin, role="member", actor=bob))
    else:  # one admin's double click on Remove
        calls = (lambda: membership.remove_member(bob_admin, actor=ann),
                 lambda: membership.remove_member(bob_admin, actor=ann))
    outcomes = at_once(*calls)
    admins = Membership.objects.filter(organization=organization, role="admin").count()
    events = AuditEvent.objects.filter(organization_id=organization.pk).count()
    results.setdefault(kind, []).append({"outcomes": outcomes, "admins": admins, "events": events})
print(json.dumps(results))
"""


def test_two_admins_changing_each_other_at_once_leave_one_admin_and_no_error(pg_app):
    refusals = {"demote": "last_admin", "remove": "last_admin", "remove_twice": "not_a_member"}

    results = json.loads(pg_app.django(RACE, str(TRIALS), *refusals))

    assert results == {kind: [{"outcomes": sorted([refusal, "ok"]), "admins": 1, "events": 1}] * TRIALS
                       for kind, refusal in refusals.items()}
