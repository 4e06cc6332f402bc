"""The sign-in journey: the password, its first setup or its code (or a recovery code), and sign-out."""

from django.urls import path

from twostep.mfa.signin import setup_views, views

urlpatterns = [
    path("signin/", views.SignInView.as_view(), name="signin"),
    path("signin/setup/", setup_views.SetupView.as_view(), name="setup"),
    path("signin/setup/confirm/", setup_views.SetupConfirmView.as_view(), name="setup_confirm"),
    path("signin/code/", views.CodeView.as_view(), name="code"),
    path("signin/recovery/", views.RecoverySignInView.as_view(), name="recovery"),
    path("signout/", views.SignOutView.as_view(), name="signout"),
]
