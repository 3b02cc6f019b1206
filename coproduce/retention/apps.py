from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "coproduce.retention"
    label = "retention"
    verbose_name = "Retention and erasure"

    def ready(self) -> None:
        from coproduce.retention import permissions  # noqa: F401
