"""The site's URLs and error handlers plus views that fail on purpose, for tests/ops/test_outages.py."""

from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path

from twostep.urls import handler500  # noqa: F401  (handler500: the site's own)
from twostep.urls import urlpatterns as site_urlpatterns


def unexpected(request):
    raise RuntimeError("an unexpected bug")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def bare(request, status: int):
    return HttpResponse(status=status, headers={"Retry-After": "7"})


urlpatterns = [
    *site_urlpatterns,
    path("boom/", unexpected),
    path("database-gone/", database_gone),
    path("bare/<int:status>/", bare),
]
