from django.urls import path

from audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("prisons/<str:code>/audit/", views.prison_audit, name="prison-audit"),
    path(
        "prisons/<str:code>/people/<int:recipient_id>/audit/",
        views.recipient_audit,
        name="recipient-audit",
    ),
    path(
        "prisons/<str:code>/people/<int:recipient_id>/plans/<int:plan_id>/audit/",
        views.plan_audit,
        name="plan-audit",
    ),
    path("prisons/<str:code>/buddies/<int:buddy_id>/audit/", views.buddy_audit, name="buddy-audit"),
    path(
        "prisons/<str:code>/incidents/<int:incident_id>/audit/",
        views.incident_audit,
        name="incident-audit",
    ),
]
