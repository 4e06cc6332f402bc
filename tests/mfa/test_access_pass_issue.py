"""``issue_access_pass``'s audit event: the reason, the ticket reference when one is given, the lifetime."""

import pytest

from twostep.audit import labels
from twostep.audit.models import AuditEvent
from twostep.mfa.mailbox.access_passes import issue_access_pass

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ticket, detail", [
    ("", {"reason": "No mail", "valid_for": 3600}),
    (" HELP-7 ", {"reason": "No mail", "ticket": "HELP-7", "valid_for": 3600}),
])
def test_the_audit_event_carries_the_ticket_when_given(clock, make_user, ticket, detail):
    issue_access_pass(make_user("nia@acme.example"), actor="operator (command line)", reason=" No mail ",
                      ticket=ticket, now=clock.now)
    event = AuditEvent.objects.get(action="mfa.access_pass_issued")
    assert event.detail == detail
    assert labels.summary(event.detail) == "; ".join(
        ["reason: No mail"] + (["ticket: HELP-7"] if ticket else []) + ["valid for (s): 3600"])
