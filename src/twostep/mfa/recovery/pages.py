"""What other features' pages show about recovery codes: a new set, once (at enrollment, at the sign-in's
setup, after *Generate new codes*), and how many are left after one was used (at sign-in, at step-up)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.recovery.codes import LOW


def remaining_message(request, left: int) -> None:
    """Tell the user how many recovery codes are left after using one; warn at ``codes.LOW`` or fewer."""
    if left > LOW:
        messages.info(request, f"You used a recovery code. {left} recovery codes left.")
        return
    lead = ("You used your last recovery code" if left == 0 else
            f"You used a recovery code. Only {left} recovery code{'' if left == 1 else 's'} left")
    messages.warning(request, format_html(
        '{}: <a href="{}">generate a new set</a> now, and replace your authenticator app if you lost your phone.',
        lead, reverse("mfa:recovery_codes")))


def show_recovery_codes(request, codes: list[str], *, continue_url: str) -> HttpResponse:
    """The page that shows a new set of recovery codes, once. Every view that returns it is decorated
    with ``shows_secret`` (no-store, strict-origin)."""
    return render(request, "mfa/recovery_codes.html", {
        "codes": codes, "continue_url": continue_url, "generated_at": as_datetime(clock_now()),
        "issuer": app_settings().issuer,
    })
