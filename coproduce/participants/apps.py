from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "coproduce.participants"
    label = "participants"

    def ready(self) -> None:
        # Registers this app's rules (permissions are checked with rules.has_perm, never
        # user.has_perm, so that a superuser gets no casework by default).
        from coproduce.participants import permissions  # noqa: F401
