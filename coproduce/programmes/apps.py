from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "coproduce.programmes"
    label = "programmes"

    def ready(self) -> None:
        # Registers this app's rules (permissions are checked with rules.has_perm, never
        # user.has_perm, so that a superuser gets no casework by default).
        from coproduce.programmes import permissions  # noqa: F401
