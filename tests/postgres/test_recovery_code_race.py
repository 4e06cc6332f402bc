"""The single-use guard of recovery codes across processes: two gunicorn servers on one PostgreSQL
database, 20 concurrent submissions of the same recovery code for the same pending sign-in, half to each
server -> exactly one sign-in succeeds, the code is marked used once, the audit trail has one use."""

import json
from functools import partial

import pytest

from tests.postgres.harness import Browser, all_at_once

pytestmark = pytest.mark.postgres

EMAIL, PASSWORD = "lost-phone@acme.example", "correct horse battery staple"
SEED_WITH_RECOVERY_CODES = """
import json, sys, time
from twostep import otp
from twostep.accounts.models import User
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import services
email, password = sys.argv[1:3]
user = User.objects.create_user(email, password)
then = int(time.time()) - 120
enrollment = enrollments.start_enrollment(user, binding="fixture", now=then)
confirmed = enrollments.confirm_enrollment(user, otp.totp(enrollment.secret, now=then), binding="fixture", now=then)
print(json.dumps(confirmed.recovery_codes))
"""
FACTS = """
import json
from twostep.audit.models import AuditEvent
from twostep.mfa.models import RecoveryCode
events = AuditEvent.objects.all()
print(json.dumps(dict(
    used=RecoveryCode.objects.filter(used_at__isnull=False).count(),
    uses=events.filter(action="mfa.recovery_code_used").count(),
    succeeded=events.filter(action="signin.succeeded").count(),
    refused=events.filter(detail__reason="used_recovery_code").count(),
    invalid=events.filter(detail__reason="invalid_recovery_code").count())))
"""


def test_same_recovery_code_twenty_times_at_once_over_two_servers_signs_in_once(pg_app, two_servers):
    codes = json.loads(pg_app.django(SEED_WITH_RECOVERY_CODES, EMAIL, PASSWORD))
    browser = Browser(two_servers[0].address)
    assert browser.get("/signin/").status == 200
    password_step = browser.post("/signin/", {"email": EMAIL, "password": PASSWORD})
    assert (password_step.status, password_step.location) == (302, "/signin/code/")
    assert browser.get("/signin/recovery/").status == 200

    tabs = [browser.clone() for _ in range(20)]
    responses = all_at_once([partial(tab.post, "/signin/recovery/", {"recovery_code": codes[0]},
                                     to=two_servers[n % 2].address) for n, tab in enumerate(tabs)])

    outcomes = sorted((r.status, r.location) for r in responses)
    assert outcomes.count((302, "/")) == 1, outcomes
    assert not [r for r in responses if r.status >= 500], outcomes
    # The others: the code was already used (400 saying so, or "Request not processed" once the winner had
    # replaced the session), or the pending sign-in had ended (302 to the password step).
    refused = [r for r in responses if (r.status, r.location) != (302, "/")]
    assert all(r.status == 400 or (r.status, r.location) == (302, "/signin/") for r in refused), outcomes
    assert all("already been used" in r.body or "Request not processed" in r.body
               for r in refused if r.status == 400)

    facts = json.loads(pg_app.django(FACTS))
    assert facts["used"] == facts["uses"] == facts["succeeded"] == 1
    assert facts["invalid"] == 0  # a loser always sees the winner's committed use
    # Every loser that reached the check was told the code was used (an audit event each); its answer may
    # still be "Request not processed" when the winner's new session key had replaced the session meanwhile.
    assert sum("already been used" in r.body for r in refused) <= facts["refused"] <= len(refused)
    print("outcomes:", {outcome: outcomes.count(outcome) for outcome in set(outcomes)})
