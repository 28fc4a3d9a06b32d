from governance.models import IncidentCategory, Need, PeerRole, Task, TrainingModule
from tests.factories import SchemeFactory

# The lists below are copied by hand from shared/formats/DATA-STANDARD.md (version 1).
ALLOWED = {
    "escort_movement",
    "wheelchair_push",
    "meals_collect",
    "food_cutting",
    "cell_cleaning",
    "cell_reorganising",
    "laundry",
    "hygiene_reminder",
    "objects_moving",
    "activities_access",
    "raising_concerns_applications",
    "reading_writing",
    "welfare_check_company",
    "canteen_shopping_help",
}
OPTIONAL = {"outer_clothing", "medication_collect"}
FORBIDDEN = {
    "feeding",
    "washing_bathing",
    "toileting",
    "dressing",
    "medication_handling",
    "lifting_catching",
    "clinical_task",
}


def codes(model, **filters):
    return set(model.objects.filter(**filters).values_list("code", flat=True))


def test_the_migration_loads_every_task_code_with_its_kind(db):
    assert codes(Task, kind="allowed") == ALLOWED
    assert codes(Task, kind="optional") == OPTIONAL
    assert codes(Task, kind="forbidden") == FORBIDDEN
    assert all(Task.objects.get(code=code).why_not_allowed for code in FORBIDDEN)


def test_the_migration_loads_the_other_code_lists(db):
    assert len(codes(Need)) == 12 and "wheelchair_user" in codes(Need)
    assert codes(PeerRole) == {
        "listener",
        "insider",
        "equalities_rep",
        "safer_custody_rep",
        "health_champion",
        "mentor",
        "other",
    }
    assert len(codes(IncidentCategory)) == 17 and "role_conflict_confidentiality" in codes(
        IncidentCategory
    )
    assert codes(TrainingModule, mandatory_by_default=True) == {
        "care_act",
        "confidentiality",
        "raising_concerns",
        "role_and_boundaries",
        "safeguarding",
    }
    assert len(codes(TrainingModule)) == 15


def test_optional_tasks_are_allowed_only_where_the_prison_switches_them_on(db):
    scheme = SchemeFactory(allows_outer_clothing=False, allows_medication_collect=False)
    assert {t.code for t in scheme.allowed_tasks()} == ALLOWED
    scheme.allows_medication_collect = True
    assert {t.code for t in scheme.allowed_tasks()} == ALLOWED | {"medication_collect"}
    scheme.allows_outer_clothing = True
    assert {t.code for t in scheme.allowed_tasks()} == ALLOWED | OPTIONAL
    assert not FORBIDDEN & {t.code for t in scheme.allowed_tasks()}
