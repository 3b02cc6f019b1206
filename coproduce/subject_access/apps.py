from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "coproduce.subject_access"
    label = "subject_access"
    verbose_name = "Subject access"

    def ready(self) -> None:
        from coproduce.subject_access import permissions  # noqa: F401
