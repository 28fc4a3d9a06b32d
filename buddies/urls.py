from django.urls import path

from buddies import activity_views, views

urlpatterns = [
    path("", views.buddy_list, name="buddy-list"),
    path("new/", views.buddy_new, name="buddy-new"),
    path("recruitment/", views.recruitment, name="buddy-recruitment"),
    path("<int:buddy_id>/", views.buddy_detail, name="buddy-detail"),
    path("<int:buddy_id>/edit/", views.buddy_edit, name="buddy-edit"),
    path("<int:buddy_id>/status/", views.buddy_status, name="buddy-status"),
    path("<int:buddy_id>/pay/", views.buddy_pay, name="buddy-pay"),
    path("<int:buddy_id>/log/", activity_views.quick_log_for_buddy, name="buddy-quick-log"),
    path("<int:buddy_id>/history/", views.buddy_history, name="buddy-history"),
]
