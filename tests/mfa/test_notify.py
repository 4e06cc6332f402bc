"""*Notify members*: one e-mail to every member without MFA, sent through Django's mail framework.

The SMTP test talks to a real SMTP server (aiosmtpd) on loopback, started and stopped by the test."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail
from django.test import override_settings

from tests.conftest import code_for, post_code, post_password
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.rollout import notify
from twostep.mfa.rollout.services import set_require_mfa

pytestmark = pytest.mark.django_db
APPS = ("Which apps work: Google Authenticator, Microsoft Authenticator, or any other authenticator app that "
        "shows 6-digit codes.")


class Inbox:
    """aiosmtpd handler keeping each message and the SMTP session (connection) it came through."""

    def __init__(self):
        self.messages, self.sessions = [], set()

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, sorted(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, EMAIL_HOST_USER="",
                               EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_TIMEOUT=10,
                               DEFAULT_FROM_EMAIL="twostep <no-reply@portal.example>"):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def acme(make_user, make_org, enrolled, settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"
    admin = make_user("admin@acme.example")
    enrolled(admin)  # an admin must use MFA
    ready = make_user("ready@acme.example")
    enrolled(ready)
    gone = make_user("gone@acme.example", is_active=False)
    people = [make_user("abe@acme.example"), make_user("bob@acme.example", name="Bob Builder"),
              make_user("carla@acme.example")]
    return make_org("Acme Calibration", slug="acme", admins=[admin], members=[ready, gone, *people])


def from_date(acme, clock, days=14):
    # Switched on by an operator.
    return set_require_mfa(acme, required=True, actor=None, moment=clock.moment,
                           enforce_from=clock.moment.replace(hour=0, minute=0, second=0) + timedelta(days=days))


def notified_events():
    return list(AuditEvent.objects.filter(action="organization.members_notified")
                .values_list("actor_id", "organization_id", "detail"))


def test_one_mail_per_member_without_mfa_over_one_smtp_connection(clock, acme, smtp_server):
    from_date(acme, clock)
    admin = acme.memberships.get(role="admin").user
    assert notify.notify_members_without_mfa(acme, actor=admin) == 3
    assert [(sender, to) for sender, to, _ in smtp_server.messages] == [
        ("no-reply@portal.example", ["abe@acme.example"]), ("no-reply@portal.example", ["bob@acme.example"]),
        ("no-reply@portal.example", ["carla@acme.example"])]
    assert len(smtp_server.sessions) == 1
    _, _, message = smtp_server.messages[1]
    assert message["Subject"] == "Acme Calibration requires multi-factor authentication from 14 December 2026"
    assert message["To"] == "bob@acme.example"
    body = message.get_content().replace("\r\n", "\n")  # SMTP line ends
    assert body.startswith("Hello Bob Builder,\n\nFrom 14 December 2026, Acme Calibration requires "
                           "multi-factor authentication (MFA) for every sign-in to twostep.")
    assert "after your password, you type a 6-digit code from an authenticator app on your phone" in body
    assert "When: from 14 December 2026 you will be asked to set up the app at your next sign-in." in body
    assert APPS in body
    assert "Sign in: https://portal.example/signin/\n" in body
    assert notified_events() == [(admin.pk, acme.pk, {"recipients": 3, "enforce_from": "2026-12-14T00:00:00+00:00"})]


def test_mail_when_mfa_is_required_now(clock, acme):
    set_require_mfa(acme, required=True, actor=None, moment=clock.moment)
    assert notify.notify_members_without_mfa(acme, actor=None) == 3
    message = mail.outbox[0]
    assert message.subject == "Acme Calibration now requires multi-factor authentication"
    assert "When: you will be asked to set up the app at your next sign-in." in message.body
    assert notified_events() == [(None, acme.pk, {"recipients": 3, "enforce_from": clock.moment.isoformat()})]


def test_nothing_to_announce_while_require_mfa_is_off(clock, acme):
    with pytest.raises(notify.NotRequiredError):
        notify.notify_members_without_mfa(acme, actor=None)
    assert mail.outbox == [] and notified_events() == []


def signed_in_admin(client):
    post_password(client, "admin@acme.example")
    post_code(client, code_for(User.objects.get(email="admin@acme.example"), django_settings.TWOSTEP_CLOCK()))
    assert client.session.get("_auth_user_id")
    return client


def test_admin_previews_and_sends(client, clock, acme):
    from_date(acme, clock)
    signed_in_admin(client)
    settings_page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert 'href="/orgs/acme/settings/mfa/notify/">Notify members</a>' in settings_page
    preview = client.get("/orgs/acme/settings/mfa/notify/").content.decode()
    assert "the <strong>3 members</strong> who have not set up MFA yet" in preview
    assert "Subject: Acme Calibration requires multi-factor authentication from 14 December 2026" in preview
    assert "Send 3 e-mails</button>" in preview
    response = client.post("/orgs/acme/settings/mfa/notify/")
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/"
    assert sorted(m.to[0] for m in mail.outbox) == ["abe@acme.example", "bob@acme.example", "carla@acme.example"]
    assert "Sent 3 e-mails to the members who have not set up MFA yet." in client.get(
        "/orgs/acme/settings/mfa/").content.decode()
    admin_id = int(client.session["_auth_user_id"])
    assert notified_events() == [(admin_id, acme.pk, {"recipients": 3,
                                                      "enforce_from": "2026-12-14T00:00:00+00:00"})]


def test_view_refuses_while_require_mfa_is_off(client, clock, acme):
    signed_in_admin(client)
    assert client.get("/orgs/acme/settings/mfa/notify/").context["preview"] is None  # nothing to send
    response = client.post("/orgs/acme/settings/mfa/notify/")
    assert response.status_code == 400 and response.context["error"].code == "not_required"
    assert mail.outbox == [] and notified_events() == []


def test_mail_server_down_is_a_clear_error(client, clock, acme, settings):
    from_date(acme, clock)
    with socket.socket() as refusing:  # bound, never listening: connections are refused
        refusing.bind(("127.0.0.1", 0))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing.getsockname()[1]
        response = signed_in_admin(client).post("/orgs/acme/settings/mfa/notify/")
    assert response.status_code == 503 and response.context["error"]  # said on the page, not a server error
    assert notified_events() == []


@pytest.mark.parametrize("who", ["bob@acme.example", "admin@northwind.example"])
def test_only_admins_of_the_organization_notify(client, clock, acme, make_user, make_org, enrolled, who):
    from_date(acme, clock)
    outsider = make_user("admin@northwind.example")
    enrolled(outsider)
    make_org("Northwind Labs", slug="northwind", admins=[outsider])
    if post_password(client, who)["Location"] == "/signin/code/":
        post_code(client, code_for(outsider, clock.now))
    assert client.get("/orgs/acme/settings/mfa/notify/").status_code == 403
    assert client.post("/orgs/acme/settings/mfa/notify/").status_code == 403
    assert mail.outbox == [] and notified_events() == []


@pytest.mark.redis
def test_with_a_task_queue_the_request_only_queues_and_a_worker_sends(client, clock, acme,
                                                                      django_capture_on_commit_callbacks):
    from tests.services import unique_queue, work_off

    from_date(acme, clock)
    signed_in_admin(client)
    with unique_queue() as queue:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/orgs/acme/settings/mfa/notify/")
        assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/"
        assert "Sending 3 e-mails to the members who have not set up MFA yet." in client.get(
            "/orgs/acme/settings/mfa/").content.decode()
        assert queue.count == 1 and mail.outbox == [] and notified_events() == []
        work_off(queue)
    assert sorted(m.to[0] for m in mail.outbox) == ["abe@acme.example", "bob@acme.example", "carla@acme.example"]
    admin_id = int(client.session["_auth_user_id"])
    assert notified_events() == [(admin_id, acme.pk, {"recipients": 3, "enforce_from": "2026-12-14T00:00:00+00:00"})]


@pytest.mark.redis
def test_with_a_task_queue_nothing_is_queued_while_require_mfa_is_off(client, clock, acme,
                                                                     django_capture_on_commit_callbacks):
    from tests.services import unique_queue

    signed_in_admin(client)
    with unique_queue() as queue:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/orgs/acme/settings/mfa/notify/")
        assert queue.count == 0
    assert response.status_code == 400 and response.context["error"].code == "not_required"
    assert mail.outbox == [] and notified_events() == []
