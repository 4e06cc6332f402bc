"""Responses for tries refused by throttling (429 with Retry-After), for a locked MFA and for an account on
hold (403), and a refusal shown on its form."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from twostep.audit import events
from twostep.mfa.conf import app_settings


def form_error(form, field: str | None, exc) -> None:
    """Show ``exc`` (a ``ServiceError``) on ``form``'s ``field`` (None: the whole form) under its stable ``code``,
    so that ``form.has_error(field, code)`` tells the refusals apart."""
    form.add_error(field, ValidationError(exc.message, code=exc.code))


def throttled(request, template_name: str, context: dict, retry_after: int):
    """Re-render ``template_name`` (whose context says how long to wait) with HTTP 429 and ``Retry-After``
    in seconds."""
    response = render(request, template_name, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def locked(request, *, user, pending: bool):
    """The page a user with locked MFA sees: why, and how to get back in (HTTP 403: retrying cannot help)."""
    return render(request, "mfa/locked.html", {"locked_user": user, "pending": pending,
                                               "support_contact": app_settings().support_contact}, status=403)


def on_hold(request, *, user):
    """The page an account on hold gets after a correct password: not signed in, no pending sign-in, and
    how to reach support (HTTP 403: retrying cannot help). The refusal is audited."""
    events.record(events.SIGNIN_ON_HOLD, actor=user, subject=user, request=request, outcome="failure")
    return render(request, "mfa/on_hold.html", {"held_user": user,
                                                "support_contact": app_settings().support_contact}, status=403)
