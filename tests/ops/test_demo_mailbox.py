"""The demo's mailbox page: the mails the demo wrote, for a browser on this machine only, never in production."""

import pytest
from django.core.mail import get_connection, send_mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_folder(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def write_mail(subject: str, body: str) -> None:
    connection = get_connection("django.core.mail.backends.filebased.EmailBackend")
    send_mail(subject, body, "twostep@example.com", ["member@acme.example"], connection=connection)


def test_shows_the_written_mails_newest_first(client, mail_folder):
    write_mail("First", "one")
    write_mail("Your code to set up multi-factor authentication: 123456", "    123 456\n<script>")
    page = client.get("/demo/mailbox/")
    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert page["Referrer-Policy"] == "no-referrer"
    assert text.index("Your code to set up") < text.index("First")
    assert "    123 456\n&lt;script&gt;" in text and "To member@acme.example" in text


def test_a_browser_on_another_machine_gets_404(mail_folder):
    write_mail("Secret", "a link")
    assert Client(REMOTE_ADDR="192.0.2.10").get("/demo/mailbox/").status_code == 404


def test_a_pending_sign_in_may_read_it(client, clock, make_user, make_org, require_mfa, mail_folder):
    from tests.conftest import post_password

    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    assert post_password(client, "member@acme.example")["Location"] == reverse("mfa:setup")
    client.get(reverse("mfa:setup_mailbox"))
    page = client.get("/demo/mailbox/")
    assert page.status_code == 200 and "Your code to set up multi-factor authentication" in page.content.decode()


def test_there_is_no_such_page_in_production(settings):
    from django.urls import Resolver404, resolve

    assert resolve("/demo/mailbox/").url_name == "demo_mailbox"
    import importlib

    import twostep.urls

    settings.PRODUCTION = True
    try:
        importlib.reload(twostep.urls)
        with pytest.raises(Resolver404):
            resolve("/demo/mailbox/", urlconf=twostep.urls)
    finally:
        settings.PRODUCTION = False
        importlib.reload(twostep.urls)


def test_a_client_behind_a_local_proxy_gets_404(settings, mail_folder):
    settings.TWOSTEP_PROXY_COUNT = 1
    write_mail("Secret", "a link")
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.9").get("/demo/mailbox/").status_code == 404
    assert Client(HTTP_X_FORWARDED_FOR="127.0.0.1").get("/demo/mailbox/").status_code == 200
