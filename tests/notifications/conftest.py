import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from tests.notifications import fake_notify


@pytest.fixture
def notify(settings) -> Iterator[fake_notify.FakeNotify]:
    """A fake GOV.UK Notify, with the site set to send through it."""
    fake, server = fake_notify.start()
    settings.COPRODUCE_MESSAGES_BACKEND = "notify"
    settings.COPRODUCE_NOTIFY_API_KEY = fake_notify.API_KEY
    settings.COPRODUCE_NOTIFY_BASE_URL = fake.url
    settings.COPRODUCE_NOTIFY_SMS_TEMPLATE_ID = fake_notify.SMS_TEMPLATE_ID
    settings.COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID = fake_notify.EMAIL_TEMPLATE_ID
    settings.COPRODUCE_NOTIFY_CALLBACK_TOKEN = "callback-token-for-tests"
    settings.COPRODUCE_SITE_URL = "https://coproduce.example"
    yield fake
    server.shutdown()
    server.server_close()


class Clock:
    def __init__(self, moment: datetime.datetime) -> None:
        self.moment = moment

    def now(self) -> datetime.datetime:
        return self.moment

    def set(self, local: str) -> datetime.datetime:
        self.moment = timezone.make_aware(datetime.datetime.fromisoformat(local))
        return self.moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Site time stands still at a Tuesday noon (local) until the test moves it."""
    clock = Clock(timezone.make_aware(datetime.datetime(2026, 3, 10, 12, 0)))
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock
