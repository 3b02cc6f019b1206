from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "coproduce.plans"
    label = "plans"

    def ready(self) -> None:
        from coproduce.plans import permissions  # noqa: F401
