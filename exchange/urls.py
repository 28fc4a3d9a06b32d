from django.urls import path

from exchange import views

urlpatterns = [
    path("prisons/<str:code>/data/", views.exchange_home, name="exchange"),
    path(
        "prisons/<str:code>/data/imports/<int:run_id>/",
        views.import_detail,
        name="import-detail",
    ),
    path(
        "prisons/<str:code>/data/imports/<int:run_id>/confirm/",
        views.import_confirm,
        name="import-confirm",
    ),
    path(
        "prisons/<str:code>/data/imports/<int:run_id>/problems.csv",
        views.import_errors_csv,
        name="import-errors-csv",
    ),
    path("prisons/<str:code>/data/export.zip", views.export_zip, name="export-zip"),
    path("prisons/<str:code>/data/export.xlsx", views.export_xlsx, name="export-xlsx"),
]
