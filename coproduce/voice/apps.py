from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "coproduce.voice"
    label = "voice"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.voice import permissions  # noqa: F401
