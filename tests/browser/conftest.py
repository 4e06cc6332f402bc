"""Real-browser fixtures: Debian's headless Chromium (/usr/bin/chromium) driven by Playwright.

Never a test tool's own browser download. Outside CI the tests skip when Chromium is missing;
with ``CI=true`` they fail instead. Every browser context is watched by axe-core (tests/browser/a11y.py): a test
fails when a page state it reached has a WCAG 2.2 AA violation.
"""

import os
import shutil
import tempfile

import pytest

from tests.browser.a11y import Audit

CHROMIUM = os.environ.get("TWOSTEP_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium off the network and working as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
README_SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots")
# The README's pictures are refreshed only on request (TWOSTEP_UPDATE_SCREENSHOTS=1 make test), so an ordinary
# test run leaves the work tree clean; otherwise screenshots (still taken and read, e.g. the QR code) go to /tmp.
SCREENSHOTS = (README_SCREENSHOTS if os.environ.get("TWOSTEP_UPDATE_SCREENSHOTS") == "1"
               else os.path.join(tempfile.gettempdir(), f"twostep-screenshots-{os.getpid()}"))

# The live server runs in a thread of the test process; Django's ORM refuses sync calls from the
# event loop Playwright's sync API keeps in the main thread, so allow them for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="twostep-chromium-")
    with sync_playwright() as playwright:
        # Playwright gives each context its own empty profile; ``profile`` only keeps crash files out of $HOME.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                             env={**os.environ, "HOME": profile})
        new_context = browser.new_context

        def watched_context(**options):
            context = new_context(**options)
            if options.get("java_script_enabled", True):  # axe-core runs in the page: not without JavaScript
                _audit.watch(context)
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


_audit = Audit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body: check the pages still open, and fail the test on any violation found in it."""
    _audit.begin()
    result = yield
    browser = item.funcargs.get("browser")
    for context in browser.contexts if browser else ():
        for page in context.pages:
            _audit.check(page)
    if _audit.violations:
        pytest.fail(_audit.report(), pytrace=False)
    return result


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on a phone-sized or desktop viewport, base URL = live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> str:
    """Save ``<name>.png`` in SCREENSHOTS (``docs/screenshots`` when refreshing the README's) and return its path.

    Stored as a 256-colour palette PNG: under half the size, and plain pages look the same.
    """
    from PIL import Image

    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.abspath(os.path.join(SCREENSHOTS, f"{name}.png"))
    page.screenshot(path=path, full_page=full_page)
    with Image.open(path) as image:
        small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path
