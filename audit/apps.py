from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log: reads of personal data and security events"

    def ready(self):
        from audit import events
        from audit.models import AuditEvent
        from privacy.retention import RecordKind, register

        events.connect_receivers()
        register(
            RecordKind(
                name="audit_event",
                label="audit events",
                counted_from="they were recorded",
                expired=AuditEvent.objects.expired,
                delete=events.audit_events_purge,
            )
        )
