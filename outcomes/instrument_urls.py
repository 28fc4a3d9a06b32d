from django.urls import path

from outcomes import instrument_views

urlpatterns = [
    path("", instrument_views.instrument_list, name="instrument-list"),
    path("new/", instrument_views.instrument_new, name="instrument-new"),
    path("<int:instrument_id>/", instrument_views.instrument_detail, name="instrument-detail"),
    path(
        "<int:instrument_id>/new-version/",
        instrument_views.instrument_new_version,
        name="instrument-new-version",
    ),
]
