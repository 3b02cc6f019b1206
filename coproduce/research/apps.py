from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "coproduce.research"
    label = "research"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.research import permissions  # noqa: F401
