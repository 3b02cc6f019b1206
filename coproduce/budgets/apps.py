from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "coproduce.budgets"
    label = "budgets"

    def ready(self) -> None:
        from coproduce.budgets import permissions  # noqa: F401
