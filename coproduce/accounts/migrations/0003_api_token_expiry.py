from django.db import migrations, models


class Migration(migrations.Migration):
    """API tokens get an expiry: added empty here, filled in for existing tokens by 0004."""

    dependencies = [
        ("accounts", "0002_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, help_text="It stops working at this moment."),
        ),
    ]
