"""URL map: /api/v1 for the API, /api/health for the load balancer, /admin for super admins."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import spa
from core.api.views import HealthView, LiveView
from finance.api.views import DashboardViewSet
from users.api.urls import auth_urlpatterns

api_v1: list[URLPattern | URLResolver] = [
    path("health/", HealthView.as_view(), name="health-v1"),
    path("auth/", include(auth_urlpatterns)),
    path("users/dashboard/", DashboardViewSet.as_view({"get": "list"}), name="dashboard"),
    path("users/", include("users.api.urls")),
    path("finance/", include("finance.api.urls")),
    path("kavi/", include("kavi.api.urls")),
    path("core/", include("core.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL, not inline, for the docs page's CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/health/live/", LiveView.as_view(), name="health-live"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    # Everything else belongs to the React app's router (but unknown /api/ paths stay 404).
    re_path(r"^(?!api/|admin/|static/|media/)(?P<path>.*)$", spa.index, name="spa"),
]

handler400 = "core.exceptions.json_bad_request"
handler404 = "core.exceptions.json_not_found"
handler500 = "core.exceptions.json_server_error"
