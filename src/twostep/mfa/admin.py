"""MFA data in the admin site, read-only: the *Require MFA* switch changes only through the organization's
MFA settings page, authenticators only through enrollment and support's reset, the second-factor lockouts only
through checks and support's reset, and holds only through *This wasn't me* and support's *Lift the hold*,
which are audited. The sealed secret is never shown."""

from django.contrib import admin

from twostep.mfa.models import AccountHold, Authenticator, FactorThrottle, OrganizationMfaPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ("user", "type", "confirmed_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "name", "algorithm", "digits", "period", "created_at", "confirmed_at",
              "last_used_at", "drift")


@admin.register(FactorThrottle)
class FactorThrottleAdmin(ReadOnlyAdmin):
    list_display = ("user", "failures", "throttled_until", "locked_at")
    list_filter = (("locked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email",)
    fields = ("user", "failures", "throttled_until", "locked_at")


@admin.register(OrganizationMfaPolicy)
class OrganizationMfaPolicyAdmin(ReadOnlyAdmin):
    list_display = ("organization", "required", "enforce_from", "changed_by", "changed_at")
    list_filter = ("required",)
    fields = ("organization", "required", "enforce_from", "changed_by", "changed_at")


@admin.register(AccountHold)
class AccountHoldAdmin(ReadOnlyAdmin):
    list_display = ("user", "reason", "placed_at", "lifted_at", "lifted_by_label")
    list_filter = ("reason",)
    search_fields = ("user__email",)
    fields = ("user", "reason", "detail", "placed_at", "lifted_at", "lifted_by_label",
              "lift_identity_check", "lift_note")
