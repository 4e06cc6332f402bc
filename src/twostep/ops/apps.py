from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "twostep.ops"
    label = "ops"
    verbose_name = "Operations"
