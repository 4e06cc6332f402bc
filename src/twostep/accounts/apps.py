from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "twostep.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from twostep.accounts import checks  # noqa: F401  (registers the look-alike check)
