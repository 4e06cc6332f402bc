"""Real browser: the admin site and the organization's audit log work under the strict Content-Security-Policy
(no refused script, style or image), and staff reach the admin only through the code step.
Screenshot for the README: audit-log.png."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_org_admin import sign_in
from tests.conftest import PASSWORD, code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def refused(page):
    """Console messages of Content-Security-Policy violations on ``page``."""
    messages = []
    page.on("console", lambda message: messages.append(message.text)
            if "Content Security Policy" in message.text else None)
    return messages


def test_staff_reach_the_admin_through_the_code_step(page, refused, clock, make_user, enrolled):
    operator = make_user("ops@example.com", is_staff=True, is_superuser=True)
    enrolled(operator)
    page.goto("/admin/")
    page.wait_for_url("**/signin/?next=/admin/")
    page.fill("input[name=email]", "ops@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/signin/code/")
    page.fill("input[name=code]", code_for(operator, clock.now))
    page.click("button:has-text('Verify')")
    page.wait_for_url("**/admin/")
    assert "twostep administration" in page.inner_text("body")
    for path in ("/admin/audit/auditevent/", f"/admin/accounts/user/{operator.pk}/change/"):
        page.goto(path)
        assert page.locator("#content").is_visible()
    assert "sealed_secret" not in page.content()
    assert refused == []


def test_admin_reads_the_audit_log(page, refused, clock, make_user, make_org, enrolled):
    admin, member = make_user("admin@acme.example"), make_user("max@acme.example")
    enrolled(admin)
    make_org("Acme Calibration", slug="acme", admins=[admin], members=[member])
    sign_in(page, "max@acme.example")
    page.goto("/signout/")
    page.click("button:has-text('Sign out')")
    sign_in(page, "admin@acme.example", code_for(admin, clock.now))

    page.goto("/orgs/acme/settings/")
    page.click("a:has-text('Audit log')")
    page.wait_for_url("**/orgs/acme/audit/")
    rows = [(row.locator("td").nth(1).inner_text(), row.locator("td").nth(2).inner_text())
            for row in page.locator("tbody tr").all()]
    assert rows == [("Signed in", "Success"), ("Signed out", "Success"), ("Signed in", "Success"),
                    ("Recovery codes generated", "Success"), ("Authenticator app set up", "Success"),
                    ("MFA setup started", "Success")]
    assert "max@acme.example" in page.locator("tbody tr").nth(1).inner_text()
    page.select_option("select[name=action]", "signout")
    page.click("button:has-text('Show')")
    assert page.locator("tbody tr").count() == 1
    screenshot(page, "audit-log")
    assert refused == []
