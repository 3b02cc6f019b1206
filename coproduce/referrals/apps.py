from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "coproduce.referrals"
    label = "referrals"

    def ready(self) -> None:
        # Registers this app's rules (checked with rules.has_perm), once the app registry is ready.
        from coproduce.referrals import permissions  # noqa: F401
