from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("businesses", views.BusinessViewSet, basename="business")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("customers", views.CustomerViewSet, basename="customer")

auth_urlpatterns = [
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
]

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/password/", views.PasswordChangeView.as_view(), name="me-password"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/update/", views.ProfileView.as_view(), name="profile-update"),
    path("invitations/accept/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    *router.urls,
]
