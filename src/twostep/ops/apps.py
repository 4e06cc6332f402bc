from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "twostep.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from twostep.audit.events import event_recorded
        from twostep.ops import checks, logs, metrics  # noqa: F401  (checks registers the deploy checks)

        event_recorded.connect(metrics.count_event, dispatch_uid="twostep.ops.metrics")
        request_finished.connect(logs.clear_request_id, dispatch_uid="twostep.ops.logs")
