"""The invitee's URLs, mounted at /invitations/ (outside /orgs/<slug>/: the invitee is not a member yet)."""

from django.urls import path

from twostep.organizations import invitation_views

app_name = "invitations"
urlpatterns = [
    path("accept/", invitation_views.AcceptInvitationView.as_view(), name="accept"),
    path("<str:link>/", invitation_views.open_invitation, name="open"),
]
