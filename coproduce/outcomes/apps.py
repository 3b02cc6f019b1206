from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "coproduce.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from coproduce.outcomes import permissions  # noqa: F401
