from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("activity-logs", views.ActivityLogViewSet, basename="activity-log")
router.register("sessions", views.UserSessionViewSet, basename="session")
router.register("failed-logins", views.FailedLoginViewSet, basename="failed-login")
router.register("module-assignments", views.ModuleAssignmentViewSet, basename="module-assignment")
router.register("ping", views.PingViewSet, basename="ping")

urlpatterns = [
    path("admin-analytics/", views.AdminAnalyticsView.as_view(), name="admin-analytics"),
    *router.urls,
]
