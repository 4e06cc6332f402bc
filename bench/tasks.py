"""Work that needs Django and one benchmark database, run as ``python -m bench.tasks TASK --out FILE``
with the database in ``DATABASE_URL`` and ``DJANGO_SETTINGS_MODULE=bench.settings_bench``.

Tasks: ``seed`` (see bench.seed), ``set-password`` (rehash every user under the current hasher),
``explain`` (EXPLAIN ANALYZE of the policy query) and ``switch-queries`` (the SQL that turning
*Require MFA* on runs, counted in-process, for a small and the big organization).
"""

import argparse
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import seed  # noqa: E402
from twostep.accounts.models import User  # noqa: E402
from twostep.mfa import policy  # noqa: E402
from twostep.mfa.signin import journey  # noqa: E402
from twostep.mfa.stepup import services as stepup  # noqa: E402
from twostep.organizations.models import Organization  # noqa: E402

TABLES = ("accounts_user", "organizations_membership", "mfa_authenticator", "mfa_organizationmfapolicy")


def plan_of(args) -> seed.Plan:
    return seed.Plan(users=args.users, orgs=args.orgs, big_org_members=args.big_org_members,
                     mfa_every=args.mfa_every)


def task_seed(args) -> dict:
    plan = plan_of(args)
    start = time.perf_counter()
    counts = seed.seed(plan)
    return {"counts": counts, "seconds": time.perf_counter() - start,
            "accounts": seed.accounts(plan, args.accounts), "admin": seed.admin_account(plan)}


def task_set_password(args) -> dict:
    return {"rows": seed.set_password_hash()}


def task_explain(args) -> dict:
    """The policy query of a user with ``per_user`` memberships, run under EXPLAIN (ANALYZE, BUFFERS)."""
    user = User.objects.get(pk=args.user_id)
    with CaptureQueriesContext(connection) as queries:
        requirement = policy.requirement_for(user)
    statement = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
        plan = [row[0] for row in cursor.fetchall()]
    text = "\n".join(plan)
    scanned = [line.strip() for line in plan if "Scan" in line]
    return {"sql": statement, "plan": text, "queries": len(queries.captured_queries),
            "requirement": str(requirement), "scans": scanned,
            "seq_scans_on_tables": [line for line in scanned if "Seq Scan" in line and any(t in line for t in TABLES)]}


def _admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    now = int(time.time())
    session[journey.MFA_VERIFIED_AT] = now
    session[stepup.SESSION_KEY] = now
    session.save()
    return client


def _switch(client, organization, required: bool) -> dict:
    url = reverse("mfa:organization", args=[organization.slug])
    data = {"require_mfa": "on"} if required else {}
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.post(url, data, secure=True)
        seconds = time.perf_counter() - start
    return {"status": response.status_code, "location": response.get("Location", ""), "seconds": seconds,
            "queries": len(queries.captured_queries), "sql": [q["sql"][:160] for q in queries.captured_queries]}


def task_switch_queries(args) -> dict:
    """Require MFA off -> on -> off -> on for each organization (default: the big organization and another
    of its admin's); the last 'on' is compared."""
    admin = User.objects.get(pk=1)
    client = _admin_client(admin)
    slugs = args.slugs or ["big", *admin.memberships.exclude(organization__slug="big")
                           .values_list("organization__slug", flat=True)[:1]]
    result = {}
    for slug in slugs:
        organization = Organization.objects.get(slug=slug)
        runs = [_switch(client, organization, required) for required in (False, True, False, True)]
        result[slug] = {"members": organization.memberships.count(), "on": runs[-1], "all": runs}
    return result


TASKS = {"seed": task_seed, "set-password": task_set_password, "explain": task_explain,
         "switch-queries": task_switch_queries}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tasks")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--big-org-members", type=int, default=0)
    parser.add_argument("--mfa-every", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--user-id", type=int, default=2)
    parser.add_argument("--slugs", nargs="*", default=[])
    args = parser.parse_args()
    result = TASKS[args.task](args)
    with open(args.out, "w") as handle:
        json.dump(result, handle, default=str)


if __name__ == "__main__":
    main()
