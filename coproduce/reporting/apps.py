from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "coproduce.reporting"
    label = "reporting"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm: see docs/adr/0004).
        from coproduce.reporting import permissions  # noqa: F401
