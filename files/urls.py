from django.urls import path

from files import views

urlpatterns = [
    path("", views.file_list, name="file-list"),
    path("new/", views.file_request, name="file-request"),
    path("<uuid:file_id>/", views.file_detail, name="file-detail"),
    path("<uuid:file_id>/download/", views.file_download, name="file-download"),
]
