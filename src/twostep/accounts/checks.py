"""The look-alike check (``twostep check --database default``, and every ``migrate``): accounts left without
a look-alike key by migration ``accounts.0003`` or since, each with what is wrong and what to do.

Tagged ``database`` like Django's own database checks: it runs only with ``--database`` (``databases`` set).
Warnings, not errors, so ``migrate`` still runs: the accounts keep signing in while the operator resolves them.
"""

from django.contrib.auth import get_user_model
from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder

from twostep.accounts.skeletons import LOOK_ALIKE, NO_KEY, unresolved

MIGRATION = ("accounts", "0003_user_email_skeleton")
LISTED = 20  # accounts named one by one; the rest are counted
HINTS = {
    LOOK_ALIKE: "Decide which account is the real owner's; give the other its owner's real address (admin site: "
                "Users, the account, E-mail address) or delete it, then run `twostep email-skeletons`.",
    NO_KEY: "Run `twostep email-skeletons`.",
}
REFUSED_HINT = ("Give the account its owner's address as they type it (admin site: Users, the account, E-mail "
                "address), then run `twostep email-skeletons`.")
IDS = {LOOK_ALIKE: "twostep.W040", NO_KEY: "twostep.W042"}


@register(Tags.database)
def check_email_skeletons(app_configs, databases=None, **kwargs) -> list:
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    try:
        if MIGRATION not in MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations():
            return []  # the service check reports unapplied migrations
        count, problems = unresolved(get_user_model(), limit=LISTED)
    except DatabaseError:
        return []  # the service check reports a database that does not answer
    warnings = [Warning(f"No look-alike key: {problem}.", hint=HINTS.get(problem.code, REFUSED_HINT),
                        id=IDS.get(problem.code, "twostep.W041")) for problem in problems]
    if count > len(problems):
        warnings.append(Warning(f"{count - len(problems)} more accounts have no look-alike key.",
                                hint="Run `twostep email-skeletons` for the whole list.", id="twostep.W043"))
    return warnings
