"""Load the data standard's code lists into the reference tables (idempotent: upserts by code)."""

from governance import constants


def sync_reference_codes(apps=None):
    """Create or update every reference code; called by a data migration and by seed_demo."""
    if apps is None:
        from django.apps import apps
    lists = {
        "Task": [
            {"code": code, "label": label, "kind": kind, "why_not_allowed": why}
            for code, label, kind, why in constants.TASKS
        ],
        "Need": [{"code": code, "label": label} for code, label in constants.NEEDS],
        "TrainingModule": [
            {"code": code, "label": label, "audience": audience, "mandatory_by_default": mandatory}
            for code, label, audience, mandatory in constants.TRAINING_MODULES
        ],
        "PeerRole": [{"code": code, "label": label} for code, label in constants.PEER_ROLES],
        "IncidentCategory": [
            {"code": code, "label": label, "risk_to": risk}
            for code, label, risk in constants.INCIDENT_CATEGORIES
        ],
    }
    for model_name, rows in lists.items():
        model = apps.get_model("governance", model_name)
        for position, row in enumerate(rows):
            code = row.pop("code")
            model.objects.update_or_create(code=code, defaults={**row, "position": position})
