from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "coproduce.offline"
    label = "offline"
    verbose_name = "Visits taken offline"

    def ready(self) -> None:
        from coproduce.offline import permissions  # noqa: F401
