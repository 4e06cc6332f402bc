"""An organization admin's MFA pages: the *Require MFA* switch (now or from a date), its confirmation (who will
be asked to set up MFA), the *Notify members* action, and the members page (who has set up MFA, filtered by
status) with its CSV export."""

import csv
import smtplib
from datetime import date, datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.conf import app_settings as twostep_settings
from twostep.mfa.models import Authenticator
from twostep.mfa.rollout import members, notify, services
from twostep.mfa.rollout.forms import RequireMfaForm, StatusFilter
from twostep.mfa.stepup import services as stepup
from twostep.organizations.access import admin_membership
from twostep.tasks import enqueue

PAGE_SIZE = 50  # members per page: the members page and the confirmation


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


def confirm_url(slug: str, form: RequireMfaForm) -> str:
    """The confirmation page of switching Require MFA on as ``form`` (valid) says."""
    day = form.cleaned_data["enforce_date"]
    query = {"starts": RequireMfaForm.FROM_DATE, "enforce_date": day.isoformat()} if day else {}
    url = reverse("mfa:organization_confirm", kwargs={"slug": slug})
    return f"{url}?{urlencode(query)}" if query else url


def settings_page(request, organization, form, *, status: int = 200, error=None):
    """The MFA settings page; ``error`` (a refusal, ``services.RequireMfaError``) is shown above the form."""
    policy = services.policy_of(organization)
    has_mfa = Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False).exists()
    context = {"organization": organization, "policy": policy, "form": form, "error": error,
               "upcoming": initial(policy).get("starts") == RequireMfaForm.FROM_DATE,
               "readiness": services.readiness(organization), "admin_has_mfa": has_mfa}
    return render(request, "mfa/organization_mfa.html", context, status=status)


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class OrganizationMfaView(View):
    """GET: the switch; POST: switch off (after a fresh step-up), or switch on once the admin has confirmed
    who will be asked to set up MFA (``ConfirmRequireMfaView``; the form posts ``confirmed=yes``)."""

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        form = RequireMfaForm(initial=initial(services.policy_of(organization)), today=today())
        return settings_page(request, organization, form)

    def post(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        form = RequireMfaForm(request.POST, today=today())
        if not form.is_valid():
            return settings_page(request, organization, form, status=400)
        required, day = form.cleaned_data["require_mfa"], form.cleaned_data["enforce_date"]
        if required and request.POST.get("confirmed") != "yes":
            return self.to_confirmation(request, organization, form)
        if not required and services.policy_of(organization).required and not stepup.is_fresh(
                request, now=clock_now()):
            # Switching MFA off weakens every member's sign-in: confirm it is the admin (step-up), then save again.
            messages.info(request, "To switch Require MFA off, first confirm it's you; then save again.")
            return redirect(stepup.url_for(request.get_full_path()))
        try:
            services.set_require_mfa(organization, required=required, actor=request.user,
                                       moment=as_datetime(clock_now()), request=request,
                                       enforce_from=start_of(day) if day else None)
        except services.OwnMfaRequiredError as exc:
            return settings_page(request, organization, form, status=403, error=exc)
        when = f" from {date_format(day, 'j F Y')}" if day else ""
        messages.success(request, f"Require MFA is now {'on' if required else 'off'} for {organization.name}{when}.")
        return redirect("mfa:organization", slug=slug)

    def to_confirmation(self, request, organization, form):
        try:
            services.ensure_can_require(request.user)
        except services.OwnMfaRequiredError as exc:
            return settings_page(request, organization, form, status=403, error=exc)
        return redirect(confirm_url(organization.slug, form))


@method_decorator([never_cache, login_required], name="dispatch")
class ConfirmRequireMfaView(View):
    """Before Require MFA goes on: who will be asked to set up MFA (names and addresses, 50 a page), and the
    button that switches it on. The query string says from when (``starts``, ``enforce_date``), as the form."""

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        form = RequireMfaForm({"require_mfa": "on", "starts": request.GET.get("starts", RequireMfaForm.NOW),
                               "enforce_date": request.GET.get("enforce_date", "")}, today=today())
        if not form.is_valid():
            return settings_page(request, organization, form, status=400)
        try:
            services.ensure_can_require(request.user)
        except services.OwnMfaRequiredError as exc:
            return settings_page(request, organization, form, status=403, error=exc)
        waiting = members.members_with_status(organization, status=members.NOT_YET)
        page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "mfa/organization_mfa_confirm.html", {
            "organization": organization, "page": page, "day": form.cleaned_data["enforce_date"],
            "starts": form.cleaned_data["starts"] or RequireMfaForm.NOW,
            "readiness": services.readiness(organization)})


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class NotifyMembersView(View):
    """GET shows the e-mail and who gets it; POST sends it (``notify.notify_members_without_mfa``)."""

    template_name = "mfa/notify.html"

    def context(self, organization, **extra) -> dict:
        policy = services.policy_of(organization)
        preview = (notify.compose(organization, enforce_from=policy.enforce_from, now=clock_now())
                   if policy.required else None)
        return {"organization": organization, "policy": policy, "preview": preview,
                "recipients": notify.members_without_mfa(organization).count(), **extra}

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        return render(request, self.template_name, self.context(organization))

    def post(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        if twostep_settings().tasks_async:
            return self.queue(request, organization)
        try:
            sent = notify.notify_members_without_mfa(organization, actor=request.user, request=request)
        except notify.NotifyError as exc:
            return render(request, self.template_name, self.context(organization, error=exc), status=400)
        except (smtplib.SMTPException, OSError):
            error = "The mail server did not accept the e-mails. Try again in a few minutes."
            return render(request, self.template_name, self.context(organization, error=error), status=503)
        messages.success(request, f"Sent {sent} e-mail{'s' if sent != 1 else ''} to the members who have not "
                                  "set up MFA yet.")
        return redirect("mfa:organization", slug=slug)

    def queue(self, request, organization):
        """Production: a worker sends the e-mails (tens of thousands must not hold a web request)."""
        if not services.policy_of(organization).required:
            return render(request, self.template_name, self.context(organization, error=notify.NotRequiredError()),
                          status=400)
        count = notify.members_without_mfa(organization).count()
        enqueue(notify.notify_members_task, organization.pk, request.user.pk)
        messages.success(request, f"Sending {count} e-mail{'s' if count != 1 else ''} to the members who have not "
                                  "set up MFA yet.")
        return redirect("mfa:organization", slug=organization.slug)


def _status(request) -> tuple[StatusFilter, str | None]:
    form = StatusFilter(request.GET)
    return form, (form.cleaned_data["status"] or None) if form.is_valid() else None


@never_cache
@login_required
@require_safe
def members_page(request, slug: str):
    """Counts at the top, then one page of members (one query for the counts, one for the page and the
    paginator's count, whatever the number of members)."""
    organization = admin_membership(request.user, slug).organization
    form, status = _status(request)
    page = Paginator(members.members_with_status(organization, status=status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"organization": organization, "counts": members.status_counts(organization), "page": page,
               "status": status or "", "filter": form, "labels": members.STATUS_LABELS}
    return render(request, "mfa/members.html", context, status=200 if form.is_valid() else 400)


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@never_cache
@login_required
@require_safe
def members_csv(request, slug: str):
    """The members (of the filtered status) as CSV, streamed; every field quoted, formulas neutralized
    (``members.neutralize``)."""
    organization = admin_membership(request.user, slug).organization
    form, status = _status(request)
    if not form.is_valid():
        return members_page(request, slug)
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    rows = (writer.writerow(row) for row in members.csv_rows(organization, status=status))
    filename = f"{organization.slug}-members-mfa{'-' + status if status else ''}.csv"
    return StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})
