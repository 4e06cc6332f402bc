"""Django's admin site, open only to staff whose sign-in in this session passed a code.

Its own login, logout and password-change pages are replaced by the portal's: sign-in with MFA,
sign-out that ends every session, and the step-up protected password change.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from twostep.mfa.signin import journey
from twostep.mfa.staff.gate import is_verified_staff, staff_gate


class MfaAdminSite(admin.AdminSite):
    site_header = "twostep administration"
    site_title = "twostep administration"
    index_title = "Administration"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and is_verified_staff(request)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        next_url = journey.safe_next(request, request.GET.get("next")) or reverse("admin:index")
        return staff_gate(request, next_url) or redirect(next_url)

    def logout(self, request, extra_context=None):
        # The portal's sign-out page, found by its name: staff does not reach into the sign-in's views.
        return resolve(reverse("mfa:signout")).func(request)

    def password_change(self, request, extra_context=None):
        return redirect("mfa:change_password")

    def password_change_done(self, request, extra_context=None):
        return redirect("home")
