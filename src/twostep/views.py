"""Project-level pages that draw on several apps: the home page, and the page of a refused (expired) form."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa import policy
from twostep.mfa.models import Authenticator
from twostep.organizations.models import Membership
from twostep.support.access import is_support


@never_cache
@login_required
@require_safe
def home(request):
    memberships = Membership.objects.filter(user=request.user).select_related("organization__mfa_policy")
    authenticator = Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False).first()
    moment = as_datetime(clock_now())
    # A confirmed authenticator always means MFA is required: the policy query is only needed without one.
    mfa_required = authenticator is not None or policy.mfa_required(request.user, moment=moment)
    return render(request, "home.html", {
        "memberships": memberships,
        "authenticator": authenticator,
        "now": moment,  # a policy whose enforce_from is later is in its grace period
        "mfa_required": mfa_required,
        "is_support": is_support(request.user),
    })


@never_cache
@requires_csrf_token
def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: a form posted from a stale tab (or without its cookie) gets HTTP 403 and a page
    saying what to do; ``reason`` (Django's technical cause) is not shown."""
    return render(request, "403_csrf.html", status=403)
