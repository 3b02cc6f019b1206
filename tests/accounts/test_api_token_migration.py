"""Tokens issued before tokens expired are given an expiry by the migration."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0002_api_tokens")]
UPGRADE = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_old_tokens_expire_90_days_after_issue_but_not_within_14_days_of_the_upgrade(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="kim@fifelpt.example.org")
    tokens = old.get_model("accounts", "ApiToken").objects
    ages = {"years old": 800, "four months old": 120, "two months old": 60, "a week old": 7}
    for name, days in ages.items():
        token = tokens.create(user=user, name=name, key_hash=name.ljust(64, "x"), key_prefix="cpd_abc")
        tokens.filter(pk=token.pk).update(created_at=UPGRADE - datetime.timedelta(days=days))

    monkeypatch.setattr(timezone, "now", lambda: UPGRADE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from coproduce.accounts.models import ApiToken

    expiry = dict(ApiToken.objects.values_list("name", "expires_at"))
    assert expiry == {
        "years old": UPGRADE + datetime.timedelta(days=14),
        "four months old": UPGRADE + datetime.timedelta(days=14),
        "two months old": UPGRADE + datetime.timedelta(days=30),
        "a week old": UPGRADE + datetime.timedelta(days=83),
    }
