from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "coproduce.research"
    label = "research"

    def ready(self) -> None:
        from coproduce.research import permissions  # noqa: F401
