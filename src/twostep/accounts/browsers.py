"""A short readable name of the browser that sent a request ("Chrome on Windows"), for security notices.

The ``User-Agent`` header is parsed with ua-parser (the Browserscope rules, kept up to date in
``ua-parser-builtins``). The header is chosen by the client, so only the parsed family names are used, cut
to plain characters: a notice never repeats free text from the header (a link, a fake instruction).
"""

import re

from ua_parser import parse

UNKNOWN = "an unrecognized browser"
_FAMILY_CHARS = re.compile(r"[^A-Za-z0-9 +_-]")
_MAX_FAMILY = 40


def _family(part) -> str:
    family = getattr(part, "family", None) or ""
    if family == "Other":
        return ""
    return _FAMILY_CHARS.sub("", family).strip()[:_MAX_FAMILY]


def browser_name(user_agent: str) -> str:
    """"Chrome on Windows", "Mobile Safari on iOS", "Firefox", ``UNKNOWN`` for a header ua-parser does
    not recognize, "" for none."""
    if not user_agent:
        return ""
    result = parse(user_agent[:1000])
    browser, system = _family(result.user_agent), _family(result.os)
    if not browser:
        return f"a browser on {system}" if system else UNKNOWN
    return f"{browser} on {system}" if system else browser


def browser_label(user_agent: str) -> str:
    """``browser_name``, or ``UNKNOWN`` when there is no header: for a notice that always names a browser."""
    return browser_name(user_agent) or UNKNOWN


def request_browser(request) -> str:
    """``browser_name`` of the request's ``User-Agent`` ("" without a request or header)."""
    return browser_name(request.META.get("HTTP_USER_AGENT", "")) if request is not None else ""
