"""A member who set up MFA (and got the notice), the people a hold is reported to, and a browser that follows
the notice's *This wasn't me* link."""

import re

from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from twostep import otp
from twostep.mfa.authenticators import enrollment as enrollments

SETUP_IP, OWNER_IP = "203.0.113.7", "198.51.100.20"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36")
LINK_PATH = re.compile(r"This wasn't me: http://testserver(/mfa/not-me/[^/\s]+/)\n")
REPORT_SUBJECT = "Account on hold: member@acme.example says a new authenticator app was not theirs"


def enroll_and_get_link(user, *, now: int, capture) -> str:
    """Confirm a new authenticator for ``user`` from SETUP_IP in Chrome on Windows; returns the path of the
    notice's link (the notice is taken out of the outbox)."""
    code = otp.totp(enrollments.start_enrollment(user, binding="fixture", now=now).secret, now=now)
    request = RequestFactory().post("/", REMOTE_ADDR=SETUP_IP, HTTP_USER_AGENT=CHROME_WINDOWS)
    before = len(mail.outbox)
    with capture(execute=True):
        enrollments.confirm_enrollment(user, code, binding="fixture", now=now, request=request)
    notice = mail.outbox.pop(before)
    assert len(mail.outbox) == before
    return LINK_PATH.search(notice.body).group(1)


def follow(client, path: str):
    """Open the link (it redirects to the confirmation page) and return the confirmation page."""
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == reverse("mfa:disown")
    return client.get(reverse("mfa:disown"))


def owner_browser() -> Client:
    return Client(REMOTE_ADDR=OWNER_IP)


def make_people(settings, make_user, make_org, require_mfa) -> dict:
    """member@acme.example in Acme (requires MFA; admin@acme.example) and Northwind (nora@northwind.example
    admin), support staff, a superuser, staff without the permission, and a support contact address."""
    settings.TWOSTEP_BASE_URL = "http://testserver"
    settings.TWOSTEP_SUPPORT_CONTACT = "help@twostep.example"
    member = make_user("member@acme.example", name="Max Member")
    admin, nora = make_user("admin@acme.example"), make_user("nora@northwind.example")
    require_mfa(make_org("Acme Calibration", slug="acme", admins=[admin], members=[member]))
    make_org("Northwind Labs", slug="northwind", admins=[nora], members=[member])
    support = make_user("support@twostep.example", is_staff=True)
    support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    make_user("root@twostep.example", is_staff=True, is_superuser=True)
    make_user("ops@twostep.example", is_staff=True)  # staff, but not support: not told
    helper = make_user("helper@twostep.example")  # the permission without staff is not support either
    helper.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    make_user("gone@twostep.example", is_staff=True, is_superuser=True, is_active=False)
    return {"member": member, "admin": admin, "nora": nora, "support": support}
