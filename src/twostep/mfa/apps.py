from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "twostep.mfa"
    label = "mfa"
    verbose_name = "Multi-factor authentication"

    def ready(self) -> None:
        from twostep.mfa import checks  # noqa: F401  (registers the system checks)
