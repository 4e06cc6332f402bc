"""A short name of the browser and system behind a user-agent string, for notices: "Firefox on Windows".

The string is whatever the client sent, so a notice never quotes it: only the names ua-parser (the uap-core
rules) recognises, and only when they are short plain words (no dots, no slashes: nothing that reads as a
link or an instruction).
"""

import re

UNKNOWN = "an unknown browser"
PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 -]{0,29}")


def browser_label(agent: str) -> str:
    """``"Chrome Mobile on Android"``, ``"Python Requests"``, or ``UNKNOWN``."""
    if not agent:
        return UNKNOWN
    from ua_parser import parse  # its rules compile on first use: only notices pay for it

    result = parse(agent[:300])
    browser = _plain(result.user_agent.family if result.user_agent else None)
    system = _plain(result.os.family if result.os else None)
    if browser is None:
        return UNKNOWN
    return f"{browser} on {system}" if system else browser


def _plain(name: str | None) -> str | None:
    return name if name and name != "Other" and PLAIN_NAME.fullmatch(name) else None
