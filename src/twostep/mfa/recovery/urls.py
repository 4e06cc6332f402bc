"""Recovery codes on the Security page: a new set and its download (signing in with one is ``signin``'s)."""

from django.urls import path

from twostep.mfa.recovery import views

urlpatterns = [
    path("security/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("security/recovery-codes/download/", views.download_recovery_codes, name="recovery_codes_download"),
]
