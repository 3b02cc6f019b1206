from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "coproduce.participants"
    label = "participants"
