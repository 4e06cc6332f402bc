from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "twostep.organizations"
    label = "organizations"
    verbose_name = "Organizations"
