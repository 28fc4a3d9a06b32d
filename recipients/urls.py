from django.urls import path

from buddies import activity_views
from recipients import views

urlpatterns = [
    path("people/", views.recipient_list, name="recipient-list"),
    path("people/new/", views.recipient_new, name="recipient-new"),
    path("people/take-over/", views.recipient_take_over_view, name="recipient-take-over"),
    path("people/<int:recipient_id>/", views.recipient_detail, name="recipient-detail"),
    path("people/<int:recipient_id>/edit/", views.recipient_edit, name="recipient-edit"),
    path("people/<int:recipient_id>/end/", views.recipient_end, name="recipient-end"),
    path(
        "people/<int:recipient_id>/previous/", views.recipient_previous, name="recipient-previous"
    ),
    path("people/<int:recipient_id>/history/", views.recipient_history, name="recipient-history"),
    path("people/<int:recipient_id>/handover/", views.handover, name="recipient-handover"),
    path(
        "people/<int:recipient_id>/handover.pdf", views.handover_pdf, name="recipient-handover-pdf"
    ),
    path(
        "people/<int:recipient_id>/log/",
        activity_views.quick_log_for_recipient,
        name="recipient-quick-log",
    ),
    path("people/<int:recipient_id>/assign/", views.assignment_new, name="assignment-new"),
    path("people/<int:recipient_id>/plans/new/", views.plan_new, name="plan-new"),
    path("people/<int:recipient_id>/plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("people/<int:recipient_id>/plans/<int:plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path(
        "people/<int:recipient_id>/plans/<int:plan_id>/submit/",
        views.plan_submit,
        name="plan-submit",
    ),
    path(
        "people/<int:recipient_id>/plans/<int:plan_id>/review/",
        views.plan_review,
        name="plan-review",
    ),
    path("assignments/<int:assignment_id>/end/", views.assignment_stop, name="assignment-end"),
]
