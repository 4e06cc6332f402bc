from django.urls import path

from twostep.mfa.views import organization, signin, stepup

app_name = "mfa"
urlpatterns = [
    path("signin/", signin.SignInView.as_view(), name="signin"),
    path("signin/setup/", signin.SetupView.as_view(), name="setup"),
    path("signin/setup/confirm/", signin.SetupConfirmView.as_view(), name="setup_confirm"),
    path("signin/code/", signin.CodeView.as_view(), name="code"),
    path("signout/", signin.SignOutView.as_view(), name="signout"),
    path("stepup/", stepup.StepUpView.as_view(), name="stepup"),
    path("orgs/<slug:slug>/settings/mfa/", organization.OrganizationMfaView.as_view(), name="organization"),
]
