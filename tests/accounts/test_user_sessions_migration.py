"""Migration accounts.0004 records the sessions signed in before it, so an upgrade signs nobody out."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.accounts.test_user_sessions import sha256
from tests.conftest import EPOCH
from twostep.accounts.models import UserSession
from twostep.clock import as_datetime

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0003_user_email_skeleton")]


def test_open_sessions_get_their_rows_and_stay_signed_in(clock):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_user = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    nora = old_user.objects.create(email="nora@northwind.example", password="!")
    signed = SessionStore()
    signed.update({"_auth_user_id": str(nora.pk), "twostep_signed_in_at": EPOCH, "twostep_seen_at": EPOCH + 5})
    signed.create()
    anonymous = SessionStore()
    anonymous.update({"twostep_next": "/"})
    anonymous.create()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(UserSession.objects.values_list("user_id", "key_digest", "signed_in_at", "last_seen_at",
                                                "ip_address", "browser")) == [
        (nora.pk, sha256(signed.session_key), as_datetime(EPOCH), as_datetime(EPOCH + 5), None, "")]
    browser = Client()
    browser.cookies["sessionid"] = signed.session_key
    assert browser.session.get("_auth_user_id") == str(nora.pk)  # the store still loads it as signed in
