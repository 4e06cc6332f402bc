"""An organization admin's MFA settings: the *Require MFA* switch (now or from a date) and the
*Notify members* action."""

import smtplib
from datetime import date, datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from twostep.mfa import notify, org_policy, stepup
from twostep.mfa.conf import now as clock_now
from twostep.mfa.forms import RequireMfaForm
from twostep.mfa.services import as_datetime
from twostep.organizations.access import admin_membership
from twostep.tasks import enqueue


def today() -> date:
    return timezone.localdate(as_datetime(clock_now()))


def start_of(day) -> datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def initial(policy) -> dict:
    upcoming = policy.required and policy.enforce_from and policy.enforce_from > as_datetime(clock_now())
    if upcoming:
        return {"require_mfa": True, "starts": RequireMfaForm.FROM_DATE,
                "enforce_date": timezone.localdate(policy.enforce_from)}
    return {"require_mfa": policy.required, "starts": RequireMfaForm.NOW}


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class OrganizationMfaView(View):
    template_name = "mfa/organization_mfa.html"

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        policy = org_policy.policy_of(organization)
        form = RequireMfaForm(initial=initial(policy), today=today())
        return render(request, self.template_name, self.context(organization, policy, form))

    def post(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        form = RequireMfaForm(request.POST, today=today())
        if not form.is_valid():
            policy = org_policy.policy_of(organization)
            return render(request, self.template_name, self.context(organization, policy, form), status=400)
        required, day = form.cleaned_data["require_mfa"], form.cleaned_data["enforce_date"]
        if not required and org_policy.policy_of(organization).required and not stepup.is_fresh(
                request, now=clock_now()):
            # Switching MFA off weakens every member's sign-in: confirm it is the admin (step-up), then save again.
            messages.info(request, "To switch Require MFA off, first confirm it's you; then save again.")
            return redirect(stepup.url_for(request.get_full_path()))
        org_policy.set_require_mfa(organization, required=required, actor=request.user,
                                   moment=as_datetime(clock_now()), request=request,
                                   enforce_from=start_of(day) if day else None)
        when = f" from {date_format(day, 'j F Y')}" if day else ""
        messages.success(request, f"Require MFA is now {'on' if required else 'off'} for {organization.name}{when}.")
        return redirect("mfa:organization", slug=slug)

    def context(self, organization, policy, form) -> dict:
        return {"organization": organization, "policy": policy, "form": form,
                "upcoming": initial(policy).get("starts") == RequireMfaForm.FROM_DATE,
                "readiness": org_policy.readiness(organization)}


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class NotifyMembersView(View):
    """GET shows the e-mail and who gets it; POST sends it (``notify.notify_members_without_mfa``)."""

    template_name = "mfa/notify.html"

    def context(self, organization, **extra) -> dict:
        policy = org_policy.policy_of(organization)
        preview = (notify.compose(organization, enforce_from=policy.enforce_from, now=clock_now())
                   if policy.required else None)
        return {"organization": organization, "policy": policy, "preview": preview,
                "recipients": notify.members_without_mfa(organization).count(), **extra}

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        return render(request, self.template_name, self.context(organization))

    def post(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        if settings.TWOSTEP_TASKS_ASYNC:
            return self.queue(request, organization)
        try:
            sent = notify.notify_members_without_mfa(organization, actor=request.user, request=request)
        except notify.NotifyError as exc:
            return render(request, self.template_name, self.context(organization, error=exc.message), status=400)
        except (smtplib.SMTPException, OSError):
            error = "The mail server did not accept the e-mails. Try again in a few minutes."
            return render(request, self.template_name, self.context(organization, error=error), status=503)
        messages.success(request, f"Sent {sent} e-mail{'s' if sent != 1 else ''} to the members who have not "
                                  "set up MFA yet.")
        return redirect("mfa:organization", slug=slug)

    def queue(self, request, organization):
        """Production: a worker sends the e-mails (tens of thousands must not hold a web request)."""
        if not org_policy.policy_of(organization).required:
            error = notify.NotRequiredError.message
            return render(request, self.template_name, self.context(organization, error=error), status=400)
        count = notify.members_without_mfa(organization).count()
        enqueue(notify.notify_members_task, organization.pk, request.user.pk)
        messages.success(request, f"Sending {count} e-mail{'s' if count != 1 else ''} to the members who have not "
                                  "set up MFA yet.")
        return redirect("mfa:organization", slug=organization.slug)
