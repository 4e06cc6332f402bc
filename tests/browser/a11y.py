"""axe-core inside the real-browser tests: every page state a test reaches is checked against WCAG 2.2 AA, at the
viewport it has and at the other size (a phone's or a desktop's), in the light and in the dark colour scheme.

A state is checked before the test acts on it (a locator handler, which Playwright runs before each action on a
page), before ``goto``, ``reload`` and ``close``, when the test closes the browser context and when the test ends.
A state is checked once: an unchanged DOM is not checked again, a changed one (a ``<details>`` opened, a message
shown) is. Keys pressed through ``page.keyboard`` are no action: press them on ``page.locator(":focus")``.

axe-core is vendored (``vendor/axe.min.js``, MPL-2.0, its licences beside it): ``make vendor-axe`` replaces it.
"""

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1000, "height": 800}
CHECKED = "data-a11y-checked"  # on <html> from a check until the DOM next changes
UNCHECKED = f"html:not([{CHECKED}])"

WATCH = """
new MutationObserver((records) => {
  if (records.some((r) => r.attributeName !== "CHECKED")) { document.documentElement.removeAttribute("CHECKED"); }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
""".replace("CHECKED", CHECKED)
RUN = """async (tags) => {
  document.getAnimations().forEach((animation) => animation.finish());  // colours as they end, not mid-transition
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary}))}));
}"""


@dataclass
class Audit:
    """The violations found in the current test: (page URL, rule, node) -> the variants it was found in;
    ``states`` counts the states checked."""

    violations: dict[tuple, list[str]] = field(default_factory=dict)
    states: int = 0
    _source: str = ""

    def begin(self) -> None:
        self.violations.clear()
        self.states = 0

    def watch(self, context) -> None:
        """Check every page that ``context.new_page()`` opens, and each page of ``context`` when it closes."""
        context.add_init_script(script=WATCH)
        new_page, close = context.new_page, context.close

        def watched_page(**kwargs):
            page = new_page(**kwargs)
            self._watch_page(page)
            return page

        def checked_close(**kwargs):
            for page in context.pages:
                self.check(page)
            close(**kwargs)

        context.new_page, context.close = watched_page, checked_close

    def _watch_page(self, page) -> None:
        page.add_locator_handler(page.locator(UNCHECKED), lambda: self.check(page), no_wait_after=True)
        for name in ("goto", "reload", "close"):
            setattr(page, name, self._checking_first(page, getattr(page, name)))

    def _checking_first(self, page, method):
        def checked(*args, **kwargs):
            self.check(page)
            return method(*args, **kwargs)

        return checked

    def check(self, page) -> None:
        """Run axe on ``page`` as it is now in the four variants, unless this state was checked already."""
        if page.is_closed() or not page.url.startswith("http"):
            return
        try:
            if page.locator(UNCHECKED).count():
                self._check_variants(page)
                page.evaluate(f"document.documentElement.setAttribute('{CHECKED}', '')")
        except PlaywrightError as error:  # a check cut short by the page closing is no finding
            if not page.is_closed():
                self.violations.setdefault((page.url, "axe-core did not run", str(error)), []).append("")

    def _check_variants(self, page) -> None:
        self.states += 1
        viewport = page.viewport_size
        other = DESKTOP if viewport["width"] <= 600 else PHONE
        dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        try:
            for scheme, size in (("light", viewport), ("dark", viewport), ("dark", other), ("light", other)):
                page.emulate_media(color_scheme=scheme)
                page.set_viewport_size(size)
                self._run(page, f"{scheme}, {size['width']}x{size['height']}")
        finally:
            page.set_viewport_size(viewport)
            page.emulate_media(color_scheme="dark" if dark else "light")

    def _run(self, page, variant: str) -> None:
        if not page.evaluate("typeof axe !== 'undefined'"):
            self._source = self._source or AXE.read_text(encoding="utf-8")
            page.evaluate(self._source)  # through the DevTools protocol: the page's CSP does not apply
        for violation in page.evaluate(RUN, TAGS):
            rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for node in violation["nodes"]:
                summary = node["summary"].replace("\n", "\n      ")
                where = f"{node['target']}: {node['html']}\n      {summary}"
                self.violations.setdefault((page.url, rule, where), []).append(variant)

    def report(self) -> str:
        """One paragraph per violation: the page, the rule id and impact, the node, how to fix it, where seen."""
        lines = [f"axe-core: {len(self.violations)} WCAG 2.2 AA violation(s) in the {self.states} page states checked:"]
        for (url, rule, where), variants in self.violations.items():
            lines.append(f"{url}: {rule}\n    {where}\n    seen in: {'; '.join(variants)}")
        return "\n".join(lines)
