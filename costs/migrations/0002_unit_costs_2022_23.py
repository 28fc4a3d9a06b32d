from decimal import Decimal

from django.db import migrations

# The evaluation's unit costs for 2022-23; other bands and years are entered by administrators.
UNIT_COSTS = [("2022-23", 3, Decimal("18.40")), ("2022-23", 6, Decimal("58.70"))]


def load(apps, schema_editor):
    UnitCost = apps.get_model("costs", "UnitCost")
    for year, band, cost in UNIT_COSTS:
        UnitCost.objects.update_or_create(
            financial_year=year, band=band, defaults={"hourly_cost": cost}
        )


class Migration(migrations.Migration):
    dependencies = [("costs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
