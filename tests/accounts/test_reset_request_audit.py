"""Password-reset requests are audited (OWASP ASVS 16.3.1) as ``account.password_reset_requested``: the address
as its HMAC, the client IP and what became of it (sent, limited, unknown), the account as subject when there
is one. The visitor's answer, and the database work, are the same whichever it was."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twostep.accounts.addresses import address_digest
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"


def ask(client, email: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_sent")
    return [query["sql"].split()[0] for query in queries.captured_queries]


def requests():
    return list(AuditEvent.objects.filter(action="account.password_reset_requested").order_by("id").values_list(
        "subject_id", "outcome", "ip_address", "detail"))


def test_each_request_is_audited_with_the_hmac_and_what_became_of_it(client, clock, make_user, mailoutbox):
    ann = make_user("ann@acme.example")
    digest = address_digest("ann@acme.example")
    assert len(digest) == 64 and digest == address_digest(" ANN@ａｃｍｅ.example")  # every spelling, one digest
    ask(client, "Ann@Acme.example")
    ask(client, "nobody@acme.example")
    assert requests() == [
        (ann.pk, "success", "127.0.0.1", {"address_hmac": digest, "result": "sent"}),
        (None, "failure", "127.0.0.1", {"address_hmac": address_digest("nobody@acme.example"), "result": "unknown"})]
    assert [m.to for m in mailoutbox] == [["ann@acme.example"]]
    row = AuditEvent.objects.get(subject_id=None, action="account.password_reset_requested")
    assert "nobody" not in f"{row.subject_label}{row.actor_label}{row.detail}"  # a visitor's typing is not kept


def test_past_the_limit_the_request_is_audited_as_limited(client, clock, make_user, mailoutbox):
    ann = make_user("ann@acme.example")
    for _ in range(4):
        ask(client, "ann@acme.example")
    assert [detail["result"] for *_, detail in requests()] == ["sent", "sent", "sent", "limited"]
    assert requests()[-1][:2] == (ann.pk, "failure") and len(mailoutbox) == 3


def test_an_account_without_a_usable_password_is_unknown(client, clock, make_user, mailoutbox):
    make_user("off@acme.example", is_active=False)
    ask(client, "off@acme.example")
    assert requests() == [(None, "failure", "127.0.0.1",
                           {"address_hmac": address_digest("off@acme.example"), "result": "unknown"})]
    assert mailoutbox == []


def test_known_unknown_and_limited_requests_do_the_same_database_work(client, clock, make_user, settings):
    make_user("ann@acme.example")
    known, unknown = ask(client, "ann@acme.example"), ask(client, "nobody@acme.example")
    settings.TWOSTEP_RESET_MAILS_PER_ADDRESS = 1
    limited = ask(client, "ann@acme.example")
    assert known == unknown == limited
    assert known.count("INSERT") == 1  # the audit row, whatever became of the request


def test_the_audit_page_shows_a_members_request_without_the_hmac(client, clock, make_user, make_org):
    from tests.signin_helpers import force_sign_in

    admin, member = make_user("admin@acme.example"), make_user("member@acme.example")
    make_org("Acme Calibration", slug="acme", admins=[admin], members=[member])
    ask(client, "member@acme.example")
    force_sign_in(client, admin, verified_at=clock.now)
    page = client.get("/orgs/acme/audit/").content.decode()
    assert '<td data-label="Action">Password reset requested</td>' in page
    assert '<td data-label="Details">result: sent</td>' in page and address_digest("member@acme.example") not in page
