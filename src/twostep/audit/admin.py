"""The audit trail in the admin site: read-only, like everywhere else (no add, change or delete)."""

from django.contrib import admin

from twostep.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "action", "outcome", "actor_label", "subject_label", "organization_label",
                    "ip_address")
    list_filter = ("action", "outcome")
    search_fields = ("actor_label", "subject_label", "organization_label", "ip_address")
    date_hierarchy = "occurred_at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
