from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "coproduce.directory"
    label = "directory"
    verbose_name = "Services directory"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.directory import permissions  # noqa: F401
