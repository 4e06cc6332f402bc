from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MfaConfig(AppConfig):
    default = True
    name = "twostep.mfa"
    label = "mfa"
    verbose_name = "Multi-factor authentication"

    def ready(self) -> None:
        from twostep.mfa import checks  # noqa: F401  (registers the system checks)


class AdminSiteConfig(admin_apps.AdminConfig):
    """Django's admin app with ``twostep.mfa.adminsite.MfaAdminSite`` as ``admin.site`` (INSTALLED_APPS)."""

    default = False
    default_site = "twostep.mfa.adminsite.MfaAdminSite"
