from django.urls import path

from twostep.accounts import views

app_name = "accounts"
urlpatterns = [
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetSentView.as_view(), name="password_reset_sent"),
    path("password-reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
]
