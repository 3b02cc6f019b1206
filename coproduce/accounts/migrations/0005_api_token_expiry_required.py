from django.db import migrations, models

import coproduce.accounts.models


class Migration(migrations.Migration):
    """Every API token has an expiry (0004 gave existing ones theirs); new ones default to the setting."""

    dependencies = [
        ("accounts", "0004_give_existing_api_tokens_an_expiry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                default=coproduce.accounts.models.default_api_token_expiry,
                help_text="It stops working at this moment.",
            ),
        ),
    ]
