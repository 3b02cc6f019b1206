from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "coproduce.voice"
    label = "voice"
