"""Existing accounts get their canonical address and look-alike key from migration accounts.0003; the
accounts that cannot (a refused address, a look-alike of another account) are reported by id, by the
migration, by ``twostep check --database default`` and by ``twostep email-skeletons``, until resolved."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.accounts.lookalikes import CYRILLIC, CYRILLIC_ASCII, FULL_WIDTH, REAL, ZERO_WIDTH
from twostep.accounts.checks import check_email_skeletons
from twostep.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_user_session_epoch")]
STORED = [REAL, CYRILLIC, "bob@ｓtaff.example", ZERO_WIDTH, FULL_WIDTH, "carl@xn--bcher-kva.example",
          "dora@staff.example."]


@pytest.fixture
def old_accounts():
    """The accounts of STORED (ids 1 to 7) as the schema before accounts.0003 kept them."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_user = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    ids = [old_user.objects.create(email=email, password="!").pk for email in STORED]
    yield ids
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward() -> None:
    """accounts.0003 and every later migration: the tests go on with today's models (deleting a user reaches
    the tables added since)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def warnings() -> list[tuple[str, str]]:
    return [(w.id, w.msg) for w in check_email_skeletons(None, databases=["default"])]


def test_the_migration_fills_every_key_it_can_and_reports_the_rest_by_id(old_accounts, capsys):
    a1, a2, a3, a4, a5, a6, a7 = old_accounts
    migrate_forward()
    assert list(User.objects.order_by("pk").values_list("pk", "email", "email_skeleton")) == [
        (a1, REAL, "ann@staff.exarnple"),
        (a2, CYRILLIC, None),
        (a3, "bob@staff.example", "bob@staff.exarnple"),
        (a4, ZERO_WIDTH, None),
        (a5, FULL_WIDTH, None),
        (a6, "carl@bücher.example", "carl@bu\u0308cher.exarnple"),
        (a7, "dora@staff.example", "dora@staff.exarnple"),
    ]
    assert capsys.readouterr().out == (
        "\n  accounts.0003: 3 accounts were left without a look-alike key:\n"
        f"    account {a2} ({CYRILLIC_ASCII}) looks the same as account {a1} (ann@staff.example)\n"
        f"    account {a4} (ann@staff.example\\u200b): its address contains invisible or unusual characters\n"
        f"    account {a5} (ann@\\uff53taff.example) looks the same as account {a1} (ann@staff.example)\n"
        "  Resolve them as README, *Look-alike addresses* says; until then "
        "`twostep check --database default` lists them.\n")
    assert warnings() == [
        ("twostep.W040", f"No look-alike key: account {a2} ({CYRILLIC_ASCII}) looks the same as account {a1} "
                         "(ann@staff.example)."),
        ("twostep.W041", f"No look-alike key: account {a4} (ann@staff.example\\u200b): its address contains "
                         "invisible or unusual characters."),
        ("twostep.W040", f"No look-alike key: account {a5} (ann@\\uff53taff.example) looks the same as account "
                         f"{a1} (ann@staff.example)."),
    ]
    err = StringIO()
    call_command("check", databases=["default"], stderr=err)
    assert err.getvalue().count("twostep.W04") == 3 and "twostep email-skeletons" in err.getvalue()


def test_an_account_already_in_canonical_form_keeps_the_key_over_an_older_spelling(db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_user = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    older, canonical = (old_user.objects.create(email=email, password="!").pk for email in (FULL_WIDTH, REAL))
    try:
        migrate_forward()
        assert list(User.objects.order_by("pk").values_list("pk", "email", "email_skeleton")) == [
            (older, FULL_WIDTH, None), (canonical, REAL, "ann@staff.exarnple")]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


def test_resolving_the_reported_accounts_clears_the_warnings(old_accounts, capsys):
    a1, a2, _, a4, a5, *_ = old_accounts
    migrate_forward()
    for pk, email in ((a2, "ann@northwind.example"), (a4, "eve@staff.example")):  # the owners' real addresses
        user = User.objects.get(pk=pk)
        user.email = email
        user.save()
    User.objects.filter(pk=a5).delete()  # a duplicate of account 1
    assert warnings() == []
    out = StringIO()
    call_command("email_skeletons", stdout=out)
    assert out.getvalue() == "Every account has its look-alike key (6).\n"


def test_the_command_fills_a_key_once_its_twin_is_gone(old_accounts):
    a1, a2, *_ = old_accounts
    migrate_forward()
    User.objects.filter(pk__in=old_accounts[2:]).delete()
    ann = User.objects.get(pk=a1)
    ann.email = "ann@northwind.example"  # account 1 was the wrong one: account 2 keeps its address
    ann.save()
    assert warnings() == [("twostep.W042", f"No look-alike key: account {a2} ({CYRILLIC_ASCII}): it has no "
                                           "look-alike key yet.")]
    call_command("email_skeletons", stdout=StringIO())
    assert User.objects.get(pk=a2).email_skeleton == "ann@staff.exarnple" and warnings() == []


def test_the_command_lists_what_is_left_and_fails(old_accounts):
    a1, a2, _, a4, a5, *_ = old_accounts
    migrate_forward()
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("email_skeletons", "--batch-size", "2", stdout=out)
    assert str(failed.value) == ("3 accounts were left without a look-alike key (listed above); resolve them as "
                                 "README, *Look-alike addresses* says, then run this again.")
    assert out.getvalue() == (
        f"account {a2} ({CYRILLIC_ASCII}) looks the same as account {a1} (ann@staff.example)\n"
        f"account {a4} (ann@staff.example\\u200b): its address contains invisible or unusual characters\n"
        f"account {a5} (ann@\\uff53taff.example) looks the same as account {a1} (ann@staff.example)\n")
    assert User.objects.filter(email_skeleton__isnull=True).count() == 3
