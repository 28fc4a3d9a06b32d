import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from buddies.models import prison_number_validator
from common.versioning import VersionedModel, version_constraint
from recipients.constants import (
    FormalCare,
    LaOutcome,
    MentalCapacity,
    PlanState,
    ReviewAction,
    SupportEndReason,
)

OPEN_PLAN_STATES = [PlanState.DRAFT, PlanState.SUBMITTED, PlanState.RETURNED]


def _past(value: dt.date | None, label: str, errors: dict, field: str) -> None:
    if value and value > timezone.localdate():
        errors.setdefault(field, f"{label} must be today or in the past")


INFORMAL_DAYS = 3
INFORMAL_WINDOW = dt.timedelta(
    days=13
)  # three days within a fortnight: first to third at most 13 days apart


def regular_informal_help(recipients, on: dt.date) -> set[int]:
    """Ids of people helped informally on 3 or more different days within any 14 days up to `on`.

    The database returns each person's distinct informal days; the sliding window is checked here.
    """
    from buddies.models import Session

    days = (
        Session.objects.filter(informal=True, recipient__in=recipients, date__lte=on)
        .values_list("recipient_id", "date")
        .distinct()
        .order_by("recipient_id", "date")
    )
    by_person: dict[int, list[dt.date]] = {}
    for recipient_id, day in days:
        by_person.setdefault(recipient_id, []).append(day)
    return {
        person
        for person, dates in by_person.items()
        if any(
            dates[i + INFORMAL_DAYS - 1] - dates[i] <= INFORMAL_WINDOW
            for i in range(len(dates) - INFORMAL_DAYS + 1)
        )
    }


class RecipientQuerySet(models.QuerySet):
    def for_user(self, user):
        """People supported that the user may see (accounts.policy)."""
        from accounts.policy import scope

        return scope(self, user)

    def supported(self, on: dt.date | None = None):
        """People receiving support on a date: started, and not yet ended."""
        on = on or timezone.localdate()
        return self.filter(support_started_on__lte=on).filter(
            Q(support_ended_on__isnull=True) | Q(support_ended_on__gte=on)
        )

    def escalation_due(self, on: dt.date | None = None):
        """People to refer to the local authority (PSI requirement 12): not referred, no approved
        care plan, and either supported by buddies or helped informally on 3 or more days within
        14 days."""
        on = on or timezone.localdate()
        approved = CarePlan.objects.filter(recipient=OuterRef("pk"), la_approved_on__isnull=False)
        candidates = (
            self.filter(referred_to_la_on__isnull=True)
            .exclude(Exists(approved))
            .exclude(support_ended_on__lt=on)
        )
        regular = regular_informal_help(candidates, on)
        return candidates.filter(
            Q(pk__in=candidates.supported(on).values("pk")) | Q(pk__in=regular)
        )

    def with_latest_plan(self):
        """Annotate the state, review date and last review of each person's latest plan version."""
        latest = CarePlan.objects.filter(recipient=OuterRef("pk")).order_by("-version")
        return self.annotate(
            plan_state=Subquery(latest.values("state")[:1]),
            plan_review_due_on=Subquery(latest.values("review_due_on")[:1]),
            plan_reviewed_on=Subquery(latest.values("reviewed_on")[:1]),
        )

    def review_overdue(self, on: dt.date | None = None):
        """Supported people whose latest plan's review date has passed without a review."""
        on = on or timezone.localdate()
        return (
            self.supported(on)
            .with_latest_plan()
            .filter(plan_review_due_on__lt=on)
            .filter(
                Q(plan_reviewed_on__isnull=True) | Q(plan_reviewed_on__lt=F("plan_review_due_on"))
            )
        )


class Recipient(VersionedModel):
    """A prisoner with social care needs who receives (or is being considered for) buddy support."""

    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.PROTECT, related_name="recipients"
    )
    prison_number = models.CharField(max_length=7, validators=[prison_number_validator])
    given_name = models.CharField("Given name", max_length=80)
    family_name = models.CharField("Family name", max_length=80)
    date_of_birth = models.DateField("Date of birth", null=True, blank=True)
    needs = models.ManyToManyField("governance.Need", related_name="+", blank=True)
    mental_capacity = models.CharField(
        "Mental capacity", max_length=20, choices=MentalCapacity.choices, blank=True
    )
    formal_care = models.CharField(
        "Formal care received", max_length=30, choices=FormalCare.choices, blank=True
    )
    referred_to_la_on = models.DateField("Referred to the local authority", null=True, blank=True)
    la_assessed_on = models.DateField("Assessed by the local authority", null=True, blank=True)
    la_outcome = models.CharField(
        "Local authority outcome", max_length=30, choices=LaOutcome.choices, blank=True
    )
    support_started_on = models.DateField("Support started", null=True, blank=True)
    support_ended_on = models.DateField("Support ended", null=True, blank=True)
    end_reason = models.CharField(
        "Why support ended", max_length=20, choices=SupportEndReason.choices, blank=True
    )
    transferred_to = models.ForeignKey(
        "governance.Prison",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where they were transferred, when that prison uses PeerCare",
    )
    transferred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="taken_over_by",
        help_text="The record at the prison this person was transferred from, when it uses PeerCare",
    )
    history = HistoricalRecords(m2m_fields=[needs])

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "prison_number"],
                name="recipient_prison_number_unique_in_prison",
                violation_error_message="This prison already has a person with this prison number",
            ),
            models.CheckConstraint(
                name="recipient_assessed_not_before_referral",
                condition=Q(la_assessed_on__isnull=True)
                | Q(referred_to_la_on__isnull=True)
                | Q(la_assessed_on__gte=F("referred_to_la_on")),
            ),
            models.CheckConstraint(
                name="recipient_support_ends_after_it_starts",
                condition=Q(support_ended_on__isnull=True)
                | Q(support_started_on__isnull=True)
                | Q(support_ended_on__gte=F("support_started_on")),
            ),
            version_constraint("recipient"),
        ]
        indexes = [models.Index(fields=["prison", "family_name"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self):
        errors = {}
        _past(self.date_of_birth, "Date of birth", errors, "date_of_birth")
        _past(self.referred_to_la_on, "The referral date", errors, "referred_to_la_on")
        _past(self.la_assessed_on, "The assessment date", errors, "la_assessed_on")
        _past(self.support_started_on, "The date support started", errors, "support_started_on")
        _past(self.support_ended_on, "The date support ended", errors, "support_ended_on")
        if self.la_assessed_on and not self.referred_to_la_on:
            errors.setdefault(
                "referred_to_la_on", "Enter the referral date as well as the assessment"
            )
        if (
            self.la_assessed_on
            and self.referred_to_la_on
            and self.la_assessed_on < self.referred_to_la_on
        ):
            errors.setdefault(
                "la_assessed_on", "The assessment date must be on or after the referral date"
            )
        if self.support_ended_on and not self.support_started_on:
            errors.setdefault("support_started_on", "Enter when support started")
        if (
            self.support_ended_on
            and self.support_started_on
            and self.support_ended_on < self.support_started_on
        ):
            errors.setdefault("support_ended_on", "The end date must be on or after the start date")
        if self.support_ended_on and not self.end_reason:
            errors.setdefault("end_reason", "Select why support ended")
        if self.end_reason and not self.support_ended_on:
            errors.setdefault("support_ended_on", "Enter the date support ended")
        if errors:
            raise ValidationError(errors)


class CarePlan(VersionedModel):
    """One version of a person's care plan: what buddies do for them, agreed and approved (PSI 3, 8, 9).

    An approved version is never changed: a change makes a new version, and the old ones stay
    readable. The current plan on a date is the latest approved version starting on or before it.
    """

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="care_plans")
    version = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=12, choices=PlanState.choices, default=PlanState.DRAFT)
    starts_on = models.DateField("Plan starts")
    review_due_on = models.DateField("Review due")
    tasks = models.ManyToManyField("governance.Task", related_name="+", blank=True)
    capacity_at_agreement = models.CharField(
        "Mental capacity when agreed", max_length=20, choices=MentalCapacity.choices, blank=True
    )
    agreed_with_recipient_on = models.DateField("Agreed with the person", null=True, blank=True)
    agreed_with_buddy_on = models.DateField("Agreed with the buddy", null=True, blank=True)
    best_interests_decision_by = models.CharField(
        "Best-interests decision made by", max_length=120, blank=True
    )
    boundaries_explained_on = models.DateField("Boundaries explained", null=True, blank=True)
    la_approved_on = models.DateField("Approved by the local authority", null=True, blank=True)
    reviewed_on = models.DateField("Last reviewed without change", null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[tasks])

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "version"], name="care_plan_version_unique"
            ),
            models.UniqueConstraint(
                fields=["recipient", "starts_on"],
                name="care_plan_start_unique",
                violation_error_message="This person already has a plan version starting on that date",
            ),
            models.UniqueConstraint(
                fields=["recipient"],
                condition=Q(state__in=OPEN_PLAN_STATES),
                name="care_plan_one_open_version",
                violation_error_message="This person already has a plan version being written or reviewed",
            ),
            models.CheckConstraint(
                name="care_plan_review_after_start", condition=Q(review_due_on__gt=F("starts_on"))
            ),
            models.CheckConstraint(
                name="care_plan_best_interests_decider_when_capacity_lacking",
                condition=~Q(capacity_at_agreement=MentalCapacity.LACKS_CAPACITY)
                | ~Q(best_interests_decision_by=""),
            ),
            models.CheckConstraint(
                name="care_plan_approved_has_approval_date",
                condition=Q(
                    state__in=[PlanState.APPROVED, PlanState.SUPERSEDED],
                    la_approved_on__isnull=False,
                )
                | (
                    ~Q(state__in=[PlanState.APPROVED, PlanState.SUPERSEDED])
                    & Q(la_approved_on__isnull=True)
                ),
            ),
            version_constraint("care_plan"),
        ]

    def __str__(self):
        return f"Care plan version {self.version} for {self.recipient}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_PLAN_STATES


class PlanReview(models.Model):
    """The review trail of a plan version: who submitted, approved or returned it, and why."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_review_return_has_comments",
                condition=~Q(action=ReviewAction.RETURNED) | ~Q(comments=""),
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.by} ({self.plan})"


class AssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts.policy import scope

        return scope(self, user, prison_field="recipient__prison")

    def open_on(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )


class Assignment(models.Model):
    """A buddy supporting a person from a date, confirmed free of any personal relationship (PSI 11)."""

    buddy = models.ForeignKey("buddies.Buddy", on_delete=models.PROTECT, related_name="assignments")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="assignments")
    started_on = models.DateField("Started supporting them")
    ended_on = models.DateField("Stopped supporting them", null=True, blank=True)
    no_personal_relationship_confirmed = models.BooleanField(
        "The buddy has no personal relationship with this person", default=False
    )
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["buddy", "recipient", "started_on"],
                name="assignment_unique_start",
                violation_error_message="This buddy already starts supporting this person on that date",
            ),
            models.CheckConstraint(
                name="assignment_ends_after_it_starts",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
            ),
            models.CheckConstraint(
                name="assignment_no_personal_relationship_confirmed",
                condition=Q(no_personal_relationship_confirmed=True),
            ),
        ]

    def __str__(self):
        return f"{self.buddy} supports {self.recipient}"
