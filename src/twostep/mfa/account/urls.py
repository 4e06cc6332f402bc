"""The step-up protected account pages, under /account/ beside the accounts app's own."""

from django.urls import path

from twostep.mfa.account import views

urlpatterns = [
    path("account/email/", views.ChangeEmailView.as_view(), name="change_email"),
    path("account/password/", views.ChangePasswordView.as_view(), name="change_password"),
]
