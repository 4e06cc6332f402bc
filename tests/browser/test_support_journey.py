"""Support resets a member's MFA; the member is signed out and sets up again at the next sign-in."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from tests.browser.conftest import screenshot
from tests.browser.journeys import enter_code, prove_mailbox, sign_in
from tests.conftest import code_for
from tests.signin_helpers import enroll_with_codes
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa.models import Authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "Lost phone; called back the number in the HR record"


def test_support_resets_a_member_who_then_sets_up_again(browser, live_server, page, clock, make_user, make_org,
                                                        require_mfa):
    support = make_user("support@twostep.example", name="Sam Support", is_staff=True)
    support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    member = make_user("member@acme.example", name="Max Member")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))
    enroll_with_codes(support, now=clock.now - 120)
    enroll_with_codes(member, now=clock.now - 120)
    mail.outbox.clear()  # the "MFA was set up" notices of these enrollments

    member_context = browser.new_context(base_url=live_server.url)
    member_page = member_context.new_page()
    sign_in(member_page, "member@acme.example")
    enter_code(member_page, code_for(member, clock.now), "Verify")
    member_page.wait_for_selector("h1:has-text('Welcome, Max Member')")

    # Support signs in with MFA, finds the member and resets with a reason.
    sign_in(page, "support@twostep.example")
    enter_code(page, code_for(support, clock.now), "Verify")
    page.click("text=Support console")
    page.fill("input[name=q]", "max mem")
    page.click("button:has-text('Search')")
    page.click("text=member@acme.example")
    assert "Authenticator app, added" in page.content()
    page.click("text=Reset MFA…")
    page.click("button:has-text('Reset MFA')")
    assert page.locator("#id_reason-errors").inner_text() == (
        "Give the reason for the reset (for example how you checked who asked).")
    assert page.locator("#id_identity_check-errors").inner_text() == (
        "Choose how you checked who the person is: a call-back to a number on file, an ID document checked in "
        "person, their manager, or other (described in the note).")
    page.check("text=Call-back to a number on file")
    page.fill("textarea[name=reason]", REASON)
    page.fill("input[name=ticket]", "HELP-42")
    page.click("button:has-text('Reset MFA')")
    page.wait_for_selector("text=MFA of member@acme.example was reset.")
    assert "Required, not set up" in page.content()
    assert (f"MFA reset — reason: {REASON}; identity checked: Call-back to a number on file; "
            "ticket: HELP-42;") in page.content()
    # date_joined carries the wall clock; show the injected clock's date so the screenshot is stable.
    User.objects.filter(pk=member.pk).update(date_joined=clock.moment)
    page.reload()
    screenshot(page, "support-console")

    assert not Authenticator.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(action="mfa.reset", actor_id=support.pk, subject_id=member.pk).count() == 1
    assert [m.to for m in mail.outbox] == [["member@acme.example"]]

    # The member was signed out everywhere and sets up a new app at the next sign-in.
    member_page.reload()
    member_page.wait_for_url("**/signin/?next=/")
    sign_in(member_page, "member@acme.example")
    prove_mailbox(member_page)
    member_page.wait_for_url("**/signin/setup/")
    assert member_page.locator("h1").inner_text() == "Set up multi-factor authentication"
    member_context.close()
