# Separate from 0004 so that, on PostgreSQL, the rows 0004 updates are settled before the column
# becomes NOT NULL (one transaction per migration).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_survey_waves")]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="wave",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="outcomes.surveywave",
            ),
        ),
    ]
