from django.urls import path

from costs import views

urlpatterns = [
    path("prisons/<str:code>/costs/", views.cost_years, name="cost-years"),
    path("prisons/<str:code>/costs/new/", views.cost_new, name="cost-new"),
    path("prisons/<str:code>/costs/<str:year>/", views.cost_summary, name="cost-summary"),
    path("prisons/<str:code>/costs/<str:year>/edit/", views.cost_edit, name="cost-edit"),
    path(
        "prisons/<str:code>/costs/<str:year>.<str:fmt>",
        views.cost_summary_download,
        name="cost-summary-download",
    ),
    path("costs/compare/<str:year>/", views.cost_comparison, name="cost-comparison"),
    path("costs/unit-costs/", views.unit_costs, name="unit-costs"),
]
