"""The organization's audit log page (admins only): its members' events, newest first, 50 a page."""

from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from twostep.audit.labels import label
from twostep.organizations.access import admin_membership
from twostep.organizations.activity import events_for

EVENTS_PER_PAGE = 50


class ActionFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False,
                               error_messages={"invalid_choice": "Choose an action from the list."})

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["action"])  # the ChoiceField above, copied per form
        field.choices = [("", "All actions"), *((action, label(action)) for action in actions)]


@never_cache
@login_required
@require_safe
def organization_audit(request, slug: str):
    """The organization's audit events (see ``activity.events_for``), newest first, 50 a page."""
    organization = admin_membership(request.user, slug).organization
    events = events_for(organization)
    actions = sorted(set(events.values_list("action", flat=True)))
    form = ActionFilterForm(request.GET, actions=actions)
    status = 200
    if not form.is_valid():
        status, events = 400, events.none()
    elif form.cleaned_data["action"]:
        events = events.filter(action=form.cleaned_data["action"])
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organizations/audit.html", {
        "organization": organization, "form": form, "page": page,
        "action": form.cleaned_data.get("action", "") if form.is_valid() else "",
    }, status=status)
