from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "twostep.organizations"
    label = "organizations"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from twostep.accounts.validators import register_context_words
        from twostep.organizations.password_words import organization_words

        # Passwords may not contain the names of the user's organizations; accounts cannot look them up itself.
        register_context_words(organization_words)
