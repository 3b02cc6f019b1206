from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "coproduce.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.outcomes import permissions  # noqa: F401
