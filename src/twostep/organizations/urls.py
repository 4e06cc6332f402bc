from django.urls import path

from twostep.organizations import views

app_name = "organizations"
urlpatterns = [
    path("<slug:slug>/settings/", views.organization_settings, name="settings"),
]
