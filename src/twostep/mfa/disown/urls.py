"""*This wasn't me*: the link of the "MFA was set up" notice, open to every session (see ``mfa.enforcement``)."""

from django.urls import path

from twostep.mfa.disown import views

urlpatterns = [
    path("mfa/not-me/", views.DisownView.as_view(), name="disown"),
    path("mfa/not-me/<str:token>/", views.open_link, name="disown_open"),
]
