"""The user in the admin site: safe fields only. No password field (a user resets it by e-mail), no
session epoch; only superusers may grant staff, superuser or permissions. The address is checked like every
other address (``accounts.addresses``); a refused one re-renders the form with the reason and HTTP 400.
*End all sessions* (an action on the list, for staff who may change users) signs the selected users out
everywhere, audited with the acting staff user."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from twostep.accounts import services, sessions
from twostep.accounts.addresses import AddressError, LookAlikeAddressError, canonical_email
from twostep.accounts.models import User

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class UserAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email"]  # the admin adds the rest (UserAdmin.fields)

    def clean_email(self) -> str:
        """The canonical address; refused when it, or one that looks the same, is another account's."""
        try:
            address = canonical_email(self.cleaned_data["email"])
        except AddressError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        other = User.objects.look_alike(address, exclude_pk=self.instance.pk)
        if other is not None:
            error = services.EmailTakenError if other.email == address else LookAlikeAddressError
            raise forms.ValidationError(error.message, code=error.code)
        return address


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ("email", "name", "is_active", "is_staff", "last_login", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    fields = ("email", "email_skeleton", "name", "is_active", *PRIVILEGE_FIELDS, "last_login", "date_joined")
    readonly_fields = ("email_skeleton", "last_login", "date_joined")
    filter_horizontal = ("groups", "user_permissions")
    actions = ["end_all_sessions"]

    @admin.action(description="End all sessions", permissions=["change"])
    def end_all_sessions(self, request, queryset):
        """Every session of each selected user ends at its next request (the acting user's own stays)."""
        with transaction.atomic():
            users = list(queryset.order_by("pk"))
            for user in users:
                sessions.end_sessions(user, actor=request.user, by=sessions.BY_STAFF, request=request)
        names = ", ".join(user.email for user in users)
        self.message_user(request, f"Ended every session of {names}: they sign in again at their next request.",
                          messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False  # accounts come from invitations or `twostep createsuperuser`, with a password

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, *PRIVILEGE_FIELDS)

    def render_change_form(self, request, context, *args, **kwargs):
        # Reached on a POST only when the form was refused: 400, like every other form of the portal.
        response = super().render_change_form(request, context, *args, **kwargs)
        if request.method == "POST":
            response.status_code = 400
        return response
