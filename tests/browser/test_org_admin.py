"""Real browser: an admin requires MFA from a date two weeks ahead and notifies the members; a member
then sees the grace-period banner. Screenshots for the README: require-mfa-confirm.png, members.png,
grace-banner.png."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, code_for, set_throttle
from twostep.accounts.models import User
from twostep.mfa.models import Authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme(make_user, make_org, enrolled, clock):
    admin = make_user("admin@acme.example", name="Ada Admin")
    ready = make_user("rita@acme.example", name="Rita Ready")
    locked = make_user("lars@acme.example", name="Lars Locked")
    waiting = [make_user("max@acme.example", name="Max Member"), make_user("nina@acme.example", name="Nina New"),
               make_user("otto@acme.example")]
    organization = make_org("Acme Calibration", slug="acme", admins=[admin], members=[ready, locked, *waiting])
    organization.memberships.update(created_at=clock.moment - timedelta(days=30))  # they set up MFA since
    for user in (admin, ready, locked):
        enrolled(user)
    set_throttle(locked, failures=100, locked_at=clock.moment)
    for user, address in ((admin, "203.0.113.7"), (ready, "198.51.100.23"), (locked, "2001:db8::7")):
        Authenticator.objects.filter(user=user).update(confirmed_ip=address)  # as recorded at confirmation
    mail.outbox.clear()  # the "MFA was set up" notices of these enrollments
    return organization


def sign_in(page, email, code=None):
    page.goto("/signin/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Continue')")
    if code is not None:
        page.wait_for_url("**/signin/code/")
        page.fill("input[name=code]", code)
        page.click("button:has-text('Verify')")
    page.wait_for_url(lambda url: "/signin/" not in url)


def test_admin_sets_a_date_notifies_members_and_a_member_sees_the_banner(browser, live_server, page, clock, acme):
    admin = acme.memberships.get(role="admin").user
    sign_in(page, "admin@acme.example", code_for(admin, clock.now))
    day = (clock.moment + timedelta(days=14)).date()

    page.goto("/orgs/acme/settings/mfa/")
    assert "3 of 6 members have set up MFA." in page.inner_text("main")
    page.check("input[name=require_mfa]")
    page.check("input[name=starts][value=date]")
    page.fill("input[name=enforce_date]", day.isoformat())
    page.click("button:has-text('Save')")
    page.wait_for_url("**/orgs/acme/settings/mfa/confirm/?starts=date&enforce_date=2026-12-14")
    confirmation = page.inner_text("main")
    assert "3 of 6 members have not set up MFA yet. From 14 December 2026 they will be asked" in confirmation
    assert page.locator("table.members tbody tr").all_inner_texts() == [
        "Max Member\tmax@acme.example\tMember", "Nina New\tnina@acme.example\tMember", "—\totto@acme.example\tMember"]
    screenshot(page, "require-mfa-confirm")
    page.click("button:has-text('Require MFA from 14 December 2026')")
    page.wait_for_url("**/orgs/acme/settings/mfa/")
    assert "Require MFA is now on for Acme Calibration from 14 December 2026." in page.inner_text("main")

    page.click("a:has-text('Notify members')")
    page.wait_for_url("**/settings/mfa/notify/")
    assert "Acme Calibration requires multi-factor authentication from 14 December 2026" in page.inner_text("main")
    page.click("button:has-text('Send 3 e-mails')")
    page.wait_for_url("**/orgs/acme/settings/mfa/")
    assert "Sent 3 e-mails to the members who have not set up MFA yet." in page.inner_text("main")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "max@acme.example", "nina@acme.example", "otto@acme.example"]

    # Django stamps last_login with the wall clock; show the injected clock's time so the screenshot is stable.
    User.objects.filter(email__in=["admin@acme.example", "rita@acme.example"]).update(last_login=clock.moment)
    page.click("a:has-text('See who')")
    page.wait_for_url("**/settings/mfa/members/")
    assert page.locator("table.members tbody tr").count() == 6
    assert page.locator("td[data-label='MFA set up']").first.inner_text() == "29 Nov 2026, 23:59\nfrom 203.0.113.7"
    screenshot(page, "members")

    member = browser.new_context(base_url=live_server.url, viewport={"width": 1000, "height": 700}).new_page()
    sign_in(member, "max@acme.example")
    banner = member.locator(".banner")
    assert banner.inner_text() == "Acme Calibration requires MFA from 14 December; set it up now"
    assert banner.locator("a").get_attribute("href") == "/mfa/setup/?next=%2F"
    screenshot(member, "grace-banner", full_page=False)
    member.context.close()
