from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "coproduce.voice"
    label = "voice"

    def ready(self) -> None:
        from coproduce.voice import permissions  # noqa: F401
