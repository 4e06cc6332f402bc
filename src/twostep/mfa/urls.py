from django.urls import path

from twostep.mfa.authenticators import urls as authenticators
from twostep.mfa.disown import urls as disown
from twostep.mfa.recovery import urls as recovery
from twostep.mfa.rollout import urls as rollout
from twostep.mfa.views import (
                               account,
                               mailbox,
                               signin,
                               stepup,
)

app_name = "mfa"
urlpatterns = [
    path("signin/", signin.SignInView.as_view(), name="signin"),
    path("signin/setup/email/", mailbox.SetupMailboxView.as_view(), name="setup_mailbox"),
    path("signin/setup/", signin.SetupView.as_view(), name="setup"),
    path("signin/setup/confirm/", signin.SetupConfirmView.as_view(), name="setup_confirm"),
    path("signin/code/", signin.CodeView.as_view(), name="code"),
    path("signout/", signin.SignOutView.as_view(), name="signout"),
    path("stepup/", stepup.StepUpView.as_view(), name="stepup"),
    path("mfa/setup/email/", mailbox.EnrollMailboxView.as_view(), name="enroll_mailbox"),
    *authenticators.urlpatterns,
    *disown.urlpatterns,
    path("account/email/confirm-mailbox/", mailbox.AccountMailboxView.as_view(), name="account_mailbox"),
    path("account/email/", account.ChangeEmailView.as_view(), name="change_email"),
    path("account/password/", account.ChangePasswordView.as_view(), name="change_password"),
    *recovery.urlpatterns,
    *rollout.urlpatterns,
]
