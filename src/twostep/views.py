"""Project-level pages that draw on several apps: the home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from twostep.mfa import policy
from twostep.mfa.conf import now as clock_now
from twostep.mfa.models import Authenticator
from twostep.mfa.services import as_datetime
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
