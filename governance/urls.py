from django.urls import path

from governance import views

urlpatterns = [
    path("", views.prison_list, name="prison-list"),
    path("<str:code>/", views.prison_detail, name="prison-detail"),
    path("<str:code>/scheme/", views.scheme_edit, name="scheme-edit"),
    path("<str:code>/history/", views.prison_history, name="prison-history"),
]
