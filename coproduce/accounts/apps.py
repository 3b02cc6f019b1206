from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduce.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm).
        from coproduce.accounts import permissions  # noqa: F401
