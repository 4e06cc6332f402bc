"""Authenticators while signed in: the Security page, turning MFA off, and setting up or replacing one."""

from django.urls import path

from twostep.mfa.authenticators import devices, views

urlpatterns = [
    # Signed-in enrollment (set up or replace the authenticator); its mailbox proof is mailbox's.
    path("mfa/setup/", views.EnrollView.as_view(), name="enroll"),
    path("mfa/setup/confirm/", views.EnrollConfirmView.as_view(), name="enroll_confirm"),
    path("security/", views.security, name="security"),
    path("security/turn-off/", views.DisableView.as_view(), name="disable"),
    path("security/sessions/", devices.SessionsView.as_view(), name="sessions"),
]
