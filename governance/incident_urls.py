from django.urls import path

from governance import incident_views as views

urlpatterns = [
    path("", views.incident_list, name="incident-list"),
    path("new/", views.incident_new, name="incident-new"),
    path("summary/", views.incident_summary, name="incident-summary"),
    path("<int:incident_id>/", views.incident_detail, name="incident-detail"),
    path("<int:incident_id>/edit/", views.incident_edit, name="incident-edit"),
    path("<int:incident_id>/suspend/", views.incident_suspend, name="incident-suspend"),
]
