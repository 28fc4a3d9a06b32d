from django.urls import path

from governance import people_views, views

urlpatterns = [
    path("", views.prison_list, name="prison-list"),
    path("<str:code>/", views.prison_detail, name="prison-detail"),
    path("<str:code>/scheme/", views.scheme_edit, name="scheme-edit"),
    path("<str:code>/history/", views.prison_history, name="prison-history"),
    path("<str:code>/compliance/", views.prison_compliance, name="prison-compliance"),
    path("<str:code>/training/", people_views.training_matrix, name="training-matrix"),
    path("<str:code>/training/new/", people_views.training_new, name="training-new"),
    path("<str:code>/staff/", people_views.staff_list, name="staff-list"),
    path("<str:code>/staff/new/", people_views.staff_new, name="staff-new"),
    path("<str:code>/staff/<int:staff_id>/", people_views.staff_detail, name="staff-detail"),
    path("<str:code>/staff/<int:staff_id>/time/", people_views.staff_time, name="staff-time"),
    path("<str:code>/supervision/", people_views.supervision_list, name="supervision-list"),
    path("<str:code>/supervision/new/", people_views.supervision_new, name="supervision-new"),
]
