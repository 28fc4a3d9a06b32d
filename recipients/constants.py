"""Codes of recipients.csv, care_plans.csv and assignments.csv in the national data standard."""

from django.db import models


class MentalCapacity(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Has capacity to decide"
    LACKS_CAPACITY = "lacks_capacity", "Lacks capacity to decide"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class FormalCare(models.TextChoices):
    NONE = "none", "None"
    LA_PERSONAL_CARE = "la_personal_care", "Personal care from the local authority"
    HEALTHCARE = "healthcare", "Healthcare"
    OCCUPATIONAL_THERAPY = "occupational_therapy", "Occupational therapy"
    PRIVATE_PROVIDER = "private_provider", "A private care provider"


class LaOutcome(models.TextChoices):
    ELIGIBLE_CARE_PLAN = "eligible_care_plan", "Eligible: local authority care plan"
    ELIGIBLE_EQUIPMENT_ONLY = "eligible_equipment_only", "Eligible: equipment only"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    PENDING = "pending", "Assessment pending"


class SupportEndReason(models.TextChoices):
    RELEASED = "released", "Released"
    TRANSFERRED = "transferred", "Transferred to another prison"
    NO_LONGER_NEEDED = "no_longer_needed", "Support no longer needed"
    DECLINED = "declined", "Declined support"
    DIED = "died", "Died"
    OTHER = "other", "Other"


class PlanState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"
    SUPERSEDED = "superseded", "Superseded"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"
    REVIEWED_UNCHANGED = "reviewed_unchanged", "Reviewed and kept unchanged"
