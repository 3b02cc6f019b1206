from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "coproduce.budgets"
    label = "budgets"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.budgets import permissions  # noqa: F401
