from django.db import migrations


def load_reference_codes(apps, schema_editor):
    from governance.reference import sync_reference_codes

    sync_reference_codes(apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(load_reference_codes, migrations.RunPython.noop)]
