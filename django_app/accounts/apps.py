from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Connect the security log's receivers (Django's documented place for it).
        from . import signals  # noqa: F401
