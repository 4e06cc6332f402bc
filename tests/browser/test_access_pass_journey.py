"""Support issues a temporary access pass to a member who cannot receive e-mail; the member enters it and
reaches the QR code."""

import re

import pytest
from django.contrib.auth.models import Permission

from tests.browser.conftest import screenshot
from tests.browser.journeys import enter_code, scan_qr, sign_in
from tests.conftest import code_for
from tests.signin_helpers import enroll_with_codes
from twostep.audit.models import AuditEvent
from twostep.mfa.models import AccessPass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "Mailbox unreachable since the domain moved; identity checked by video call"


def test_support_issues_a_pass_and_the_member_sets_up_with_it(browser, live_server, page, clock, make_user,
                                                             make_org, require_mfa):
    support = make_user("support@twostep.example", name="Sam Support", is_staff=True)
    support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    enroll_with_codes(support, now=clock.now - 120)
    member = make_user("member@acme.example", name="Max Member")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))

    sign_in(page, "support@twostep.example")
    enter_code(page, code_for(support, clock.now), "Verify")
    page.goto(f"/support/users/{member.pk}/")
    page.click("button:has-text('Issue a temporary access pass')")
    assert page.locator("#id_reason-errors").inner_text() == (
        "Give the reason for the pass (for example how you checked who asked).")
    page.fill("textarea[name=reason]", REASON)
    page.fill("input[name=ticket]", "HELP-43")
    page.click("button:has-text('Issue a temporary access pass')")
    access_pass = page.locator("#access-pass").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", access_pass)
    assert "it only lets you set up multi-factor authentication, once." in page.locator("#tell-the-user").inner_text()
    screenshot(page, "support-access-pass")
    page.click("text=Done: back to member@acme.example")
    assert access_pass not in page.content()
    assert f"{REASON}</td><td>Valid until" in page.content()

    member_context = browser.new_context(base_url=live_server.url)
    member_page = member_context.new_page()
    sign_in(member_page, "member@acme.example")
    member_page.wait_for_url("**/signin/setup/email/")
    member_page.click("text=I can't receive e-mail")
    member_page.get_by_label("Temporary access pass").fill(access_pass.lower().replace("-", " "))
    member_page.click("button:has-text('Use the pass')")
    member_page.wait_for_url("**/signin/setup/")
    uri = scan_qr(member_page)
    assert uri.account == "member@acme.example"
    member_context.close()

    assert AccessPass.objects.get().used_at == clock.moment
    assert list(AuditEvent.objects.filter(action__startswith="mfa.access_pass").order_by("id").values_list(
        "action", "actor_label")) == [("mfa.access_pass_issued", "support@twostep.example"),
                                      ("mfa.access_pass_used", "member@acme.example")]
