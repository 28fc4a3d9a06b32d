from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from api import views
from api.exceptions import api_not_found

router = SimpleRouter()
router.register("v1/prisons", views.PrisonViewSet, basename="api-prison")
router.register("v1/buddies", views.BuddyViewSet, basename="api-buddy")
router.register("v1/recipients", views.RecipientViewSet, basename="api-recipient")
router.register("v1/care-plans", views.CarePlanViewSet, basename="api-care-plan")
router.register("v1/sessions", views.SessionViewSet, basename="api-session")
router.register("v1/training", views.TrainingViewSet, basename="api-training")
router.register("v1/supervision", views.SupervisionViewSet, basename="api-supervision")
router.register("v1/incidents", views.IncidentViewSet, basename="api-incident")

urlpatterns = [
    re_path(
        r"^v1/prisons/(?P<code>[A-Z]{2,5})/indicators/$",
        views.IndicatorsView.as_view(),
        name="api-prison-indicators",
    ),
    re_path(
        r"^v1/prisons/(?P<code>[A-Z]{2,5})/costs/(?P<year>[0-9]{4}-[0-9]{2})/$",
        views.CostReportView.as_view(),
        name="api-cost-report",
    ),
    path("v1/costs/", views.CostYearListView.as_view(), name="api-cost-list"),
    *router.urls,
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", views.DocsView.as_view(), name="api-docs"),
    # Anything else under /api/: a 404 in the API's error shape, not the site's HTML page.
    re_path(r"", api_not_found, name="api-not-found"),
]
