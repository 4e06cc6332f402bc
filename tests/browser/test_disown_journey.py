"""Real browser: the owner follows *This wasn't me* from the notice, the other person's next sign-in meets the
hold, and support lifts it after checking the owner."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from tests.browser.conftest import screenshot
from tests.browser.journeys import enter_code, prove_mailbox, sign_in
from tests.conftest import code_for
from tests.signin_helpers import enroll_with_codes
from twostep.mfa.models import AccountHold, Authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHECKED = "Called back on the phone number on file"


def test_the_owner_disowns_a_new_app_and_support_lifts_the_hold(browser, live_server, page, clock, settings,
                                                                 make_user, make_org, require_mfa):
    settings.TWOSTEP_BASE_URL = live_server.url
    settings.TWOSTEP_SUPPORT_CONTACT = "help@acme.example"
    support = make_user("support@twostep.example", name="Sam Support", is_staff=True)
    support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    member = make_user("member@acme.example", name="Max Member")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))
    enroll_with_codes(support, now=clock.now - 120)
    enroll_with_codes(member, now=clock.now - 60)  # "the other person" set this one up
    notice = next(m for m in mail.outbox if m.to == ["member@acme.example"])
    link = re.search(r"This wasn't me: (\S+)", notice.body).group(1)

    page.goto(link)
    page.wait_for_url("**/mfa/not-me/")
    assert page.locator("h1").inner_text() == "You did not set up this authenticator app?"
    screenshot(page, "disown-confirm")
    page.click("button:has-text('This wasn')")
    page.wait_for_selector("h1:has-text('Your account is secured and on hold')")
    screenshot(page, "disown-done")
    assert not Authenticator.objects.filter(user=member).exists() and AccountHold.objects.filter(user=member).exists()

    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, "member@acme.example")
    other.wait_for_selector("h1:has-text('Your account is on hold')")
    assert "/signin/" in other.url and "help@acme.example" in other.content()
    screenshot(other, "on-hold")

    sign_in(page, "support@twostep.example")
    enter_code(page, code_for(support, clock.now), "Verify")
    page.goto(f"/support/users/{member.pk}/")
    assert "Nobody can sign in to this account" in page.content()
    page.click("text=Lift the hold…")
    page.check("text=Their manager confirmed")
    page.fill("textarea[name=reason]", CHECKED)
    page.click("button:has-text('Lift the hold')")
    page.wait_for_selector("text=The hold on member@acme.example was lifted")
    screenshot(page, "support-hold-lifted")

    sign_in(other, "member@acme.example")
    prove_mailbox(other)
    other.wait_for_url("**/signin/setup/")
