from django.urls import path

from itg.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.otp_verify, name="otp_verify"),
    path("two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("invitation/<str:token>/", views.invitation_view, name="invitation"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/invite/", views.InviteView.as_view(), name="invite"),
    path("users/<int:pk>/role/", views.UserRoleView.as_view(), name="user_role"),
    path("users/<int:pk>/<slug:action>/", views.UserActionView.as_view(), name="user_action"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
]
