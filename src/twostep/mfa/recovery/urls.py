"""Recovery codes: sign in with one, and the Security page's new set and its download."""

from django.urls import path

from twostep.mfa.recovery import views

urlpatterns = [
    path("signin/recovery/", views.RecoverySignInView.as_view(), name="recovery"),
    path("security/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("security/recovery-codes/download/", views.download_recovery_codes, name="recovery_codes_download"),
]
