from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "coproduce.plans"
    label = "plans"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.plans import permissions  # noqa: F401
