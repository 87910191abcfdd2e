"""The seven "大督办" tiers of DOMAIN.md §5, as editable data."""

from django.db import migrations

TIERS = [
    (1, "领衔督办", "省委书记、省长和常委会组成人员领衔督办"),
    (2, "副主任督办", "常委会每位副主任督办"),
    (3, "副省长领办", "副省长领办"),
    (4, "专委会对口督办", "各专门委员会对口督办"),
    (5, "常委会组成人员督办", "常委会组成人员共同督办"),
    (6, "代表参与督办", "人大代表参与督办"),
    (7, "承办单位内部督办", "承办单位内部督办"),
]


def seed(apps, schema_editor):
    Tier = apps.get_model("supervision", "Tier")
    for number, name, duty in TIERS:
        Tier.objects.update_or_create(number=number, defaults={"name": name, "duty": duty})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
