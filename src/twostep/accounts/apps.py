from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "twostep.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.conf import settings

        from twostep.accounts import checks  # noqa: F401  (registers the look-alike check)
        from twostep.config import check_password_hashers

        # Here rather than in twostep.settings: a settings module importing those (the benchmark's) is checked too.
        check_password_hashers(settings.PASSWORD_HASHERS)
