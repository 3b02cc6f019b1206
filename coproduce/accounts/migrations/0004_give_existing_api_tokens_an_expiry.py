import datetime

from django.db import migrations
from django.utils import timezone

# The rule when expiry was introduced (90 days from issue), written here rather than read from
# settings so that this migration always does the same thing.
DAYS_FROM_ISSUE = 90
# A token older than that does not stop at once: its owner gets two weeks to make a new one.
NOTICE = datetime.timedelta(days=14)


def give_existing_tokens_an_expiry(apps, schema_editor):
    """Each token from before expiry works until 90 days after it was issued, or until two weeks
    after this upgrade if that is later."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    earliest = timezone.now() + NOTICE
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        expires_at = max(token.created_at + datetime.timedelta(days=DAYS_FROM_ISSUE), earliest)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=expires_at)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token_expiry"),
    ]

    operations = [
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop),
    ]
