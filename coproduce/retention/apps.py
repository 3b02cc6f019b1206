from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "coproduce.retention"
    label = "retention"
    verbose_name = "Retention and erasure"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.retention import permissions  # noqa: F401
