"""The demo's mailbox page (``/demo/mailbox/``): the mails the demo wrote to its data folder, newest first.

Only in the demo profile (``twostep.urls`` adds the route only there) and only for a browser on this machine:
the socket's address and the client's (behind ``TWOSTEP_PROXY_COUNT`` proxies) both in 127.0.0.0/8 or ::1;
anyone else gets 404. The mails hold setup codes, invitation and password-reset links. The page is never
cached and sends no Referer.
"""

import email
import email.policy
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from twostep.audit.client import client_address

SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's file-based e-mail backend writes after each message
SHOWN = 50


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    date: str
    body: str


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _parse(raw: bytes) -> Mail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
    return Mail(to=str(message.get("To", "")), subject=str(message.get("Subject", "")),
                date=str(message.get("Date", "")), body=part.get_content() if part is not None else "")


def recent_mails(folder: Path, *, limit: int = SHOWN) -> list[Mail]:
    """The newest ``limit`` mails in the backend's ``*.log`` files of ``folder``, newest first."""
    mails: list[Mail] = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        chunks = [chunk for chunk in path.read_bytes().split(SEPARATOR) if chunk.strip()]
        mails.extend(_parse(chunk) for chunk in reversed(chunks))
        if len(mails) >= limit:
            break
    return mails[:limit]


@never_cache
@require_safe
def mailbox(request):
    # Both the socket and the client behind any proxy (TWOSTEP_PROXY_COUNT) must be this machine: a local
    # reverse proxy or tunnel would otherwise hand every setup code and reset link to the world.
    if settings.PRODUCTION or not (_is_loopback(request.META.get("REMOTE_ADDR", ""))
                                   and _is_loopback(client_address(request) or "")):
        raise Http404
    folder = Path(settings.EMAIL_FILE_PATH or "")
    response = render(request, "ops/demo_mailbox.html", {
        "mails": recent_mails(folder) if folder.is_dir() else [], "folder": folder})
    response["Referrer-Policy"] = "no-referrer"
    return response
