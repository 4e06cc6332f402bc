"""Keyboard-only steps for the browser tests: Tab to a control, press Enter on it, and the focus ring each
control shows on the way (WCAG 2.4.7 and 1.4.11: a solid ring of at least 2 px, 3:1 against what is behind it)."""

import re

# The focused element: its name as a person hears it, its outline, and the colour behind it (the first ancestor
# with a background: the ring is drawn outside the element, on its parent).
FOCUSED = """() => {
  const e = document.activeElement, style = getComputedStyle(e);
  let back = e.parentElement, behind = "rgb(255, 255, 255)";
  for (; back; back = back.parentElement) {
    const color = getComputedStyle(back).backgroundColor;
    if (!/rgba\\(.*, 0\\)$/.test(color)) { behind = color; break; }
  }
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return {name: (label || e.getAttribute("aria-label") || e.innerText || "").trim(), tag: e.tagName.toLowerCase(),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor, behind};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb(...)`` colours."""

    def luminance(color: str) -> float:
        red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", color)[:3])
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_focus_ring(element: dict) -> None:
    assert element["outline"] == "solid" and element["width"] >= 2, f"no clear focus ring on {element}"
    assert contrast(element["color"], element["behind"]) >= 3, f"focus ring of too little contrast on {element}"


def tab_to(page, name: str, *, tag: str | None = None, limit: int = 30) -> list[str]:
    """Press Tab until the focused control is called ``name`` (and is a ``tag``), unless it already is; every
    control passed on the way shows its focus ring. Returns the names passed."""
    passed = []
    for _ in range(limit):
        element = focused(page)
        if element["name"] == name and tag in (None, element["tag"]):
            return passed
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] == "body":  # a Tab the page took before it had the focus (a busy machine): Tab again
            continue
        assert_focus_ring(element)
        passed.append(element["name"])
    raise AssertionError(f"Tab never reached {name!r}; it passed {passed}")


def enter(page) -> None:
    """Press Enter on the focused control (as an action on it, so that axe checks the page first)."""
    page.locator(":focus").press("Enter")
