from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from twostep import views
from twostep.ops import demo_mailbox

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("twostep.mfa.urls")),
    path("orgs/", include("twostep.organizations.urls")),
    path("invitations/", include("twostep.organizations.invitation_urls")),
    path("account/", include("twostep.accounts.urls")),
    path("support/", include("twostep.support.urls")),
    path("admin/", admin.site.urls),
]
if not settings.PRODUCTION:  # the demo's mails, for a browser on this machine (twostep/ops/demo_mailbox.py)
    urlpatterns.append(path("demo/mailbox/", demo_mailbox.mailbox, name="demo_mailbox"))

# Uncaught errors: 503 with Retry-After when the database or the cache is down, else 500 (both pages rendered
# without the request, so without queries). 400, 403 and 404 are Django's handlers with the site's templates.
handler500 = "twostep.ops.outages.server_error"
