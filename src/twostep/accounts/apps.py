from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "twostep.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in

        from twostep.accounts import (  # noqa: F401  (checks and hashing register checks)
            checks,
            hashing,
            password_throttle,
            sessions,
            user_sessions,
        )
        from twostep.audit.events import event_recorded
        from twostep.audit.labels import describe_values
        from twostep.config import check_password_hashers

        # account.sessions_ended reads "sessions: all but the one in use; asked by: the user".
        describe_values("scope", {sessions.ALL: "all of them", sessions.OTHERS: "all but the one in use",
                                  sessions.ONE: "one other"})
        describe_values("by", {sessions.BY_USER: "the user", sessions.BY_STAFF: "staff",
                               sessions.BY_OPERATOR: "an operator"})

        user_logged_in.connect(user_sessions.record_sign_in, dispatch_uid="twostep.accounts.user_sessions")
        # A committed password reset lifts the account's password wait.
        event_recorded.connect(password_throttle.lift_account_wait, dispatch_uid="twostep.accounts.password_reset")
        # Here rather than in twostep.settings: a settings module importing those (the benchmark's) is checked too.
        check_password_hashers(settings.PASSWORD_HASHERS)
