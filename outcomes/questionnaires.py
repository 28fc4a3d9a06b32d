"""The questionnaires PeerCare ships, as migration 0002 wrote them."""

import importlib

from django.apps import apps

SHIPPED = importlib.import_module("outcomes.migrations.0002_peercare_questionnaires")


def ensure_shipped_questionnaires() -> None:
    """Put back the two PeerCare questionnaires (version 1) if they are missing, as in a database
    emptied by a test run; one that is there is left alone."""
    SHIPPED.load(apps, None)
