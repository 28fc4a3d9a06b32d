from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People, roles and access"

    def ready(self):
        # Signal receivers: the session clocks start at sign-in, and a sign-in clears its own
        # username's failed attempts.
        from accounts import lockout, sessions  # noqa: F401
