from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "coproduce.backups"
    label = "backups"
    verbose_name = "Backups"
