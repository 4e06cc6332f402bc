"""Support's reset records in the admin site, read-only: a reset happens only through the console or
``twostep mfa-reset``, which audit it."""

from django.contrib import admin

from twostep.mfa.admin import ReadOnlyAdmin
from twostep.support.models import SupportReset


@admin.register(SupportReset)
class SupportResetAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user_email", "actor_label", "identity_check", "ticket")
    search_fields = ("user_email", "actor_label", "ticket")
    fields = ("created_at", "user_id", "user_email", "actor_label", "identity_check", "reason", "ticket")
