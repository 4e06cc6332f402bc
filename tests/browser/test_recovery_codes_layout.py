"""The recovery codes stay readable on a phone and on paper: one code per line, numbered apart, monospace; Copy and
Print show only where the script that makes them work runs."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.journeys import enter_code, sign_in
from tests.conftest import PASSWORD, code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_boxes(page) -> list[dict]:
    return [item.bounding_box() for item in page.locator("#recovery-codes li").all()]


def new_codes(page, user, clock) -> None:
    """From the home page to a new set of recovery codes, through the step-up if the sign-in did not count as one."""
    page.goto("/security/recovery-codes/")
    if page.locator("input[name=password]").count():
        clock.advance(30)
        page.fill("input[name=password]", PASSWORD)
        enter_code(page, code_for(user, clock.now), "Continue")
    page.click("button:has-text('Generate new codes')")
    page.wait_for_selector("h1:has-text('Save your recovery codes')")


def test_recovery_codes_one_per_line_on_a_phone_and_two_columns_in_print(browser, live_server, clock, make_user,
                                                                           enrolled):
    user = make_user("phone@acme.example")
    enrolled(user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, "phone@acme.example")
    enter_code(page, code_for(user, clock.now), "Verify")
    page.wait_for_url(live_server.url + "/")
    new_codes(page, user, clock)
    path = screenshot(page, "recovery-codes-phone")
    assert path.endswith("recovery-codes-phone.png")

    boxes = code_boxes(page)
    assert len(boxes) == 10
    assert len({round(box["x"]) for box in boxes}) == 1  # one column
    assert all(later["y"] >= earlier["y"] + earlier["height"] for earlier, later in zip(boxes, boxes[1:]))
    assert all(box["x"] + box["width"] <= 390 for box in boxes)
    codes = page.locator("#recovery-codes code").all()
    assert len({round(code.bounding_box()["x"]) for code in codes}) == 1  # "10." does not push its code aside
    family = page.locator("#recovery-codes code").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "monospace" in family
    assert page.locator("#recovery-codes li").first.evaluate(
        "e => getComputedStyle(e, '::before').content") == 'counter(code) "."'

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    screenshot(page, "recovery-codes-print")
    boxes = code_boxes(page)
    assert len({round(box["x"]) for box in boxes}) == 2  # 1-5 on the left, 6-10 on the right
    left, right = boxes[0], boxes[5]
    assert right["x"] - (left["x"] + left["width"]) >= 40  # a wide gap between the columns
    assert page.locator(".print-only").first.inner_text() == (
        "twostep recovery codes for phone@acme.example · generated 30 Nov 2026, 00:00 UTC")
    context.close()


def test_copy_and_print_stay_hidden_without_javascript(browser, live_server, clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    for javascript in (False, True):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        page = context.new_page()
        sign_in(page, "member@acme.example")
        enter_code(page, code_for(user, clock.now), "Verify")
        page.wait_for_selector("h1:has-text('Welcome')")
        new_codes(page, user, clock)
        page.wait_for_load_state("load")
        if javascript:  # the page's script reveals them once it has run: wait for it, not for a fixed time
            page.get_by_role("button", name="Print").wait_for(state="visible")
        shown = [page.get_by_role("button", name=name).is_visible() for name in ("Copy", "Download (.txt)", "Print")]
        assert shown == [javascript, True, javascript]
        context.close()
        clock.advance(60)
