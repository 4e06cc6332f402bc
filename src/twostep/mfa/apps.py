from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MfaConfig(AppConfig):
    default = True
    name = "twostep.mfa"
    label = "mfa"
    verbose_name = "Multi-factor authentication"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from twostep.accounts.signals import password_changed
        from twostep.audit.labels import describe_values
        from twostep.config import profile
        from twostep.mfa import checks, lockout  # noqa: F401  (checks registers checks)
        from twostep.mfa.authenticators.enrollment import discard_on_password_change
        from twostep.mfa.errors import AUDIT_REASONS
        from twostep.mfa.models import IdentityCheck
        from twostep.mfa.policy import membership_facts as mfa_facts
        from twostep.mfa.recovery import codes as recovery_codes
        from twostep.mfa.signin.session_limits import stamp_sign_in
        from twostep.organizations.signals import membership_facts

        recovery_codes.check_hashing(profile())  # here, so a settings module built on twostep.settings is checked

        password_changed.connect(discard_on_password_change, dispatch_uid="mfa.discard_setups")
        membership_facts.connect(mfa_facts, dispatch_uid="mfa.membership_facts")
        user_logged_in.connect(stamp_sign_in, dispatch_uid="twostep.mfa.signin.session_limits")
        # The audit trail reads "identity checked: Call-back to a number on file", not the stored value.
        describe_values("identity_check", IdentityCheck.choices)
        describe_values("reason", AUDIT_REASONS)  # "reason: code already used", not "replayed_code"
        describe_values("factor", {lockout.TOTP: "authenticator app", lockout.RECOVERY_CODE: "recovery code",
                                   lockout.MAILBOX_CODE: "e-mailed code", lockout.ACCESS_PASS: "temporary access pass"})


class AdminSiteConfig(admin_apps.AdminConfig):
    """Django's admin app with ``twostep.mfa.staff.adminsite.MfaAdminSite`` as ``admin.site`` (INSTALLED_APPS)."""

    default = False
    default_site = "twostep.mfa.staff.adminsite.MfaAdminSite"
