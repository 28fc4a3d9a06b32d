from django.urls import path

from outcomes import views

urlpatterns = [
    path("", views.survey_list, name="survey-list"),
    path("new/", views.wave_new, name="wave-new"),
    path("<int:wave_id>/", views.wave_detail, name="wave-detail"),
    path(
        "<int:wave_id>/questionnaires/<int:instrument_id>/answer/",
        views.response_new,
        name="response-new",
    ),
    path("responses/<int:response_id>/", views.response_detail, name="response-detail"),
    path("responses/<int:response_id>/edit/", views.response_edit, name="response-edit"),
]
