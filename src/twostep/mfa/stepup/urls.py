"""The step-up page."""

from django.urls import path

from twostep.mfa.stepup import views

urlpatterns = [
    path("stepup/", views.StepUpView.as_view(), name="stepup"),
]
