from django.contrib import admin
from django.urls import include, path

from twostep import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("twostep.mfa.urls")),
    path("orgs/", include("twostep.organizations.urls")),
    path("invitations/", include("twostep.organizations.invitation_urls")),
    path("account/", include("twostep.accounts.urls")),
    path("support/", include("twostep.support.urls")),
    path("admin/", admin.site.urls),
]
