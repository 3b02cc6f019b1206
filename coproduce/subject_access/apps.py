from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "coproduce.subject_access"
    label = "subject_access"
    verbose_name = "Subject access"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.subject_access import permissions  # noqa: F401
