"""Codes of buddies.csv in the national data standard (fixed for version 1)."""

from django.db import models


class BuddyStatus(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    VETTING = "vetting", "Security vetting"
    INTERVIEW = "interview", "Interview"
    OFFERED = "offered", "Offered"
    REJECTED = "rejected", "Not appointed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    LEFT = "left", "Left"


class VettingOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    PENDING = "pending", "Pending"


class EndReason(models.TextChoices):
    RELEASED = "released", "Released"
    TRANSFERRED = "transferred", "Transferred to another prison"
    RESIGNED = "resigned", "Resigned"
    DISMISSED = "dismissed", "Dismissed"
    SUSPENDED_MISCONDUCT = "suspended_misconduct", "Suspended for misconduct"
    OTHER = "other", "Other"


class PayScheme(models.TextChoices):
    STANDARD = "standard", "Standard pay"
    ENHANCED = "enhanced", "Enhanced pay"
    CREDIT = "credit", "Credit instead of money"
    UNPAID_VOLUNTEER = "unpaid_volunteer", "Unpaid volunteer"


# The steps of recruitment, in order, as shown on the recruitment board.
RECRUITMENT_STEPS = [
    BuddyStatus.APPLICANT,
    BuddyStatus.VETTING,
    BuddyStatus.INTERVIEW,
    BuddyStatus.OFFERED,
]

# Which status may follow which, most usual first. Interviews are optional in some prisons, so
# vetting may lead straight to an offer; nobody becomes active without an offer. `left` and
# `rejected` are final:
# someone who comes back applies again as a new record.
TRANSITIONS = {
    BuddyStatus.APPLICANT: [BuddyStatus.VETTING, BuddyStatus.REJECTED],
    BuddyStatus.VETTING: [BuddyStatus.INTERVIEW, BuddyStatus.OFFERED, BuddyStatus.REJECTED],
    BuddyStatus.INTERVIEW: [BuddyStatus.OFFERED, BuddyStatus.REJECTED],
    BuddyStatus.OFFERED: [BuddyStatus.ACTIVE, BuddyStatus.REJECTED],
    BuddyStatus.ACTIVE: [BuddyStatus.SUSPENDED, BuddyStatus.LEFT],
    BuddyStatus.SUSPENDED: [BuddyStatus.ACTIVE, BuddyStatus.LEFT],
    BuddyStatus.REJECTED: [],
    BuddyStatus.LEFT: [],
}

# Peer roles whose duty of confidentiality differs from a buddy's (e.g. Listeners keep what they
# hear confidential, while a buddy must pass on a safeguarding concern).
CONFIDENTIALITY_CONFLICT_ROLES = {"listener", "insider", "mentor"}


class Period(models.TextChoices):
    AM = "am", "Morning"
    PM = "pm", "Afternoon"
    EVE = "eve", "Evening"


class Outcome(models.TextChoices):
    """`delivered`, or the data standard's reason a session was missed."""

    DELIVERED = "yes", "Delivered"
    MISSED_REGIME_LOCKDOWN = "missed_regime_lockdown", "Missed: regime or lockdown"
    MISSED_BUDDY_UNAVAILABLE = "missed_buddy_unavailable", "Missed: buddy unavailable"
    MISSED_RECIPIENT_DECLINED = "missed_recipient_declined", "Missed: person declined"
    MISSED_OTHER = "missed_other", "Missed: other reason"


MISSED_OUTCOMES = [o for o in Outcome if o != Outcome.DELIVERED]
