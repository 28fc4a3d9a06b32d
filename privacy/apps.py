from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Retention and subject access"

    def ready(self):
        # Registers the record kinds PeerCare itself keeps (people supported, buddies); other apps
        # register theirs from their own ready() (see privacy.retention.register).
        from privacy import retention  # noqa: F401
