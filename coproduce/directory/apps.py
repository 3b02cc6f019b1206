from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "coproduce.directory"
    label = "directory"
    verbose_name = "Services directory"

    def ready(self) -> None:
        from coproduce.directory import permissions  # noqa: F401
