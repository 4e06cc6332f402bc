"""The organization admin's members page: who has set up MFA, filtered by status, and its CSV export."""

import csv

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from twostep.mfa import members
from twostep.organizations.access import admin_membership

PAGE_SIZE = 50


class StatusFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *members.STATUS_LABELS.items()], required=False,
                               error_messages={"invalid_choice": "Filter by Set up, Not yet or Locked."})


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
