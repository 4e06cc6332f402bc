"""The organization's MFA pages, under /orgs/<slug>/settings/mfa/."""

from django.urls import path

from twostep.mfa.rollout import reset_views, views

urlpatterns = [
    path("orgs/<slug:slug>/settings/mfa/", views.OrganizationMfaView.as_view(), name="organization"),
    path("orgs/<slug:slug>/settings/mfa/confirm/", views.ConfirmRequireMfaView.as_view(),
         name="organization_confirm"),
    path("orgs/<slug:slug>/settings/mfa/notify/", views.NotifyMembersView.as_view(), name="notify"),
    path("orgs/<slug:slug>/settings/mfa/members/", views.members_page, name="members"),
    path("orgs/<slug:slug>/settings/mfa/members/<int:user_id>/reset/", reset_views.MemberResetView.as_view(),
         name="member_reset"),
    path("orgs/<slug:slug>/settings/mfa/members.csv", views.members_csv, name="members_csv"),
]
