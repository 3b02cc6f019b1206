from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "coproduce.offline"
    label = "offline"
    verbose_name = "Visits taken offline"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.offline import permissions  # noqa: F401
