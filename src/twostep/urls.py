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

# Uncaught errors: 503 with Retry-After when the database or the cache is down, else 500 (both pages rendered
# without the request, so without queries). 400, 403 and 404 are Django's handlers with the site's templates.
handler500 = "twostep.ops.outages.server_error"
