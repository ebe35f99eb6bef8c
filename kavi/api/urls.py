from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("conversations", views.ConversationViewSet, basename="kavi-conversation")
router.register("", views.KaviViewSet, basename="kavi")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
