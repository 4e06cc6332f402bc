from django.urls import path

from twostep.organizations import audit_views, invitation_views, views

app_name = "organizations"
urlpatterns = [
    path("<slug:slug>/settings/", views.organization_settings, name="settings"),
    path("<slug:slug>/members/invite/", invitation_views.InviteView.as_view(), name="invite"),
    path("<slug:slug>/members/<int:pk>/role/", views.change_member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.RemoveMemberView.as_view(), name="member_remove"),
    path("<slug:slug>/invitations/<int:pk>/revoke/", invitation_views.revoke_invitation, name="invitation_revoke"),
    path("<slug:slug>/audit/", audit_views.organization_audit, name="audit"),
]
