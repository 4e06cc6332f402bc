"""The user in the admin site: safe fields only. No password field (a user resets it by e-mail), no
session epoch; only superusers may grant staff, superuser or permissions."""

from django.contrib import admin

from twostep.accounts.models import User

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "is_active", "is_staff", "last_login", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    fields = ("email", "name", "is_active", *PRIVILEGE_FIELDS, "last_login", "date_joined")
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups", "user_permissions")

    def has_add_permission(self, request) -> bool:
        return False  # accounts come from invitations or `twostep createsuperuser`, with a password

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, *PRIVILEGE_FIELDS)
