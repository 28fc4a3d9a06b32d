"""Who answers a questionnaire and how its answers are combined into a score."""

from decimal import Decimal

from django.db import models


class Audience(models.TextChoices):
    BUDDY = "buddy", "Buddies"
    RECIPIENT = "recipient", "People supported"
    STAFF = "staff", "Staff"


class ScoringRule(models.TextChoices):
    SUM = "sum", "Sum of the items"
    MEAN = "mean", "Mean of the items"


# The evaluation's rule for partly completed questionnaires: score only with 80% of items answered.
DEFAULT_MIN_SHARE_ANSWERED = Decimal("0.80")
