from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People, roles and access"

    def ready(self):
        # Signal receiver: a sign-in clears its own username's failed attempts.
        from accounts import lockout  # noqa: F401
