from django.urls import path

from twostep.mfa.account import urls as account
from twostep.mfa.authenticators import urls as authenticators
from twostep.mfa.disown import urls as disown
from twostep.mfa.mailbox import urls as mailbox
from twostep.mfa.recovery import urls as recovery
from twostep.mfa.rollout import urls as rollout
from twostep.mfa.stepup import urls as stepup
from twostep.mfa.views import (
                               signin,
)

app_name = "mfa"
urlpatterns = [
    path("signin/", signin.SignInView.as_view(), name="signin"),
    path("signin/setup/", signin.SetupView.as_view(), name="setup"),
    path("signin/setup/confirm/", signin.SetupConfirmView.as_view(), name="setup_confirm"),
    path("signin/code/", signin.CodeView.as_view(), name="code"),
    path("signout/", signin.SignOutView.as_view(), name="signout"),
    *account.urlpatterns,
    *authenticators.urlpatterns,
    *disown.urlpatterns,
    *mailbox.urlpatterns,
    *recovery.urlpatterns,
    *rollout.urlpatterns,
    *stepup.urlpatterns,
]
