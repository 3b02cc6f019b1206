from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coproduce.notifications"
    label = "notifications"

    def ready(self) -> None:
        from coproduce.notifications import permissions  # noqa: F401
