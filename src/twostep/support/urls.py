from django.urls import path

from twostep.support import hold_views, pass_views, views

app_name = "support"
urlpatterns = [
    path("", views.search, name="search"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/reset/", views.ResetView.as_view(), name="reset"),
    path("users/<int:pk>/access-pass/", pass_views.AccessPassView.as_view(), name="access_pass"),
    path("users/<int:pk>/lift-hold/", hold_views.LiftHoldView.as_view(), name="lift_hold"),
]
