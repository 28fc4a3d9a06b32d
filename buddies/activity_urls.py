from django.urls import path

from buddies import activity_views

urlpatterns = [
    path("missed-reasons/", activity_views.missed_reasons, name="missed-reasons"),
    path("pay/", activity_views.pay, name="pay-sheet"),
    path("pay.csv", activity_views.pay_csv, name="pay-sheet-csv"),
    path("week/", activity_views.this_week, name="week-sheet-current"),
    path("week/<str:week>/", activity_views.week_sheet, name="week-sheet"),
    path("week/<str:week>.pdf", activity_views.week_sheet_pdf, name="week-sheet-pdf"),
]
