"""Setup opened in two tabs at the same moment, on real PostgreSQL: both show the same secret (one
unconfirmed authenticator), and neither gets a server error from the one-per-user unique constraint."""

import json

import pytest

pytestmark = pytest.mark.postgres

TRIALS = 15
RACE = """
import json, sys, threading, time
from django.db import connection
from twostep.accounts.models import User
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import services
from twostep.mfa.models import Authenticator

def at_once(call, times=2):
    barrier, outcomes = threading.Barrier(times), []
    def run():
        try:
            barrier.wait(timeout=30)
            enrollment = call()
            outcomes.append([enrollment.authenticator.pk, enrollment.secret.hex()])
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()
    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes

now, results = int(time.time()), []
for n in range(int(sys.argv[1])):
    user = User.objects.create_user(f"tabs{n}@example.com")
    outcomes = at_once(lambda: enrollments.start_enrollment(user, binding="fixture", now=now))
    rows = list(Authenticator.objects.filter(user=user).values_list("pk", "confirmed_at"))
    results.append({"same": outcomes[0] == outcomes[1], "errors": [o for o in outcomes if isinstance(o, str)],
                    "rows": [[pk, confirmed] for pk, confirmed in rows], "shown": outcomes[0][0]})
print(json.dumps(results))
"""


def test_setup_in_two_tabs_at_once_shows_one_secret_and_no_error(pg_app):
    results = json.loads(pg_app.django(RACE, str(TRIALS)))

    assert [result["errors"] for result in results] == [[]] * TRIALS
    assert all(result["same"] and result["rows"] == [[result["shown"], None]] for result in results), results
