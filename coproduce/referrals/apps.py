from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "coproduce.referrals"
    label = "referrals"

    def ready(self) -> None:
        from coproduce.referrals import permissions  # noqa: F401
