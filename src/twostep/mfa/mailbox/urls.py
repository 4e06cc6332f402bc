"""The mailbox proof pages: at sign-in, before a signed-in first setup, and before an address change."""

from django.urls import path

from twostep.mfa.mailbox import views

urlpatterns = [
    path("signin/setup/email/", views.SetupMailboxView.as_view(), name="setup_mailbox"),
    path("mfa/setup/email/", views.EnrollMailboxView.as_view(), name="enroll_mailbox"),
    path("account/email/confirm-mailbox/", views.AccountMailboxView.as_view(), name="account_mailbox"),
]
