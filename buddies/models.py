import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from buddies.constants import (
    CONFIDENTIALITY_CONFLICT_ROLES,
    MISSED_OUTCOMES,
    BuddyStatus,
    EndReason,
    Outcome,
    PayScheme,
    Period,
    VettingOutcome,
)
from common.versioning import VersionedModel, version_constraint

prison_number_validator = RegexValidator(
    r"^[A-Z][0-9]{4}[A-Z]{2}$",
    "Enter a prison number in the right format: a letter, 4 numbers and 2 letters, like A1234BC",
)

# The dates of the employment steps, in the order they happen, with how they read in messages.
STEP_DATES = [
    ("applied_on", "the date they applied"),
    ("vetted_on", "the date of the vetting decision"),
    ("interviewed_on", "the interview date"),
    ("offered_on", "the date of the offer"),
    ("rejected_on", "the date they were not appointed"),
    ("compact_signed_on", "the date the compact was signed"),
    ("benefits_explained_on", "the date the benefits of the role were explained"),
    ("safeguarding_briefed_on", "the date safeguarding was explained"),
    ("started_on", "the start date"),
    ("ended_on", "the end date"),
]


def not_before(later: str, earlier: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"buddy_{later}_not_before_{earlier}",
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
    )


class BuddyQuerySet(models.QuerySet):
    def for_user(self, user):
        """Buddies the user may see (accounts.policy)."""
        from accounts.policy import scope

        return scope(self, user)

    def with_current_pay(self, on: dt.date | None = None):
        """Annotate the pay scheme and rate in force on a date (today by default)."""
        on = on or timezone.localdate()
        current = PayRate.objects.filter(buddy=OuterRef("pk"), effective_from__lte=on).order_by(
            "-effective_from"
        )
        return self.annotate(
            current_pay_scheme=Subquery(current.values("pay_scheme")[:1]),
            current_pay_rate=Subquery(current.values("rate_per_session")[:1]),
        )


class Buddy(VersionedModel):
    """A prisoner employed (or applying) to give other prisoners non-personal social care."""

    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.PROTECT, related_name="buddies"
    )
    prison_number = models.CharField(max_length=7, validators=[prison_number_validator])
    given_name = models.CharField("Given name", max_length=80)
    family_name = models.CharField("Family name", max_length=80)
    status = models.CharField(
        max_length=10, choices=BuddyStatus.choices, default=BuddyStatus.APPLICANT
    )

    applied_on = models.DateField("Applied", null=True, blank=True)
    vetted_on = models.DateField("Vetting decided", null=True, blank=True)
    vetting_outcome = models.CharField(
        "Security vetting", max_length=10, choices=VettingOutcome.choices, blank=True
    )
    interviewed_on = models.DateField("Interviewed", null=True, blank=True)
    offered_on = models.DateField("Offered the role", null=True, blank=True)
    rejected_on = models.DateField("Not appointed", null=True, blank=True)
    rejection_reason = models.CharField("Why not appointed", max_length=300, blank=True)
    compact_signed_on = models.DateField("Compact signed", null=True, blank=True)
    benefits_explained_on = models.DateField(
        "Benefits of the role explained", null=True, blank=True
    )
    safeguarding_briefed_on = models.DateField(
        "Safeguarding and raising concerns explained", null=True, blank=True
    )
    started_on = models.DateField("Started work", null=True, blank=True)
    ended_on = models.DateField("Left", null=True, blank=True)
    end_reason = models.CharField(
        "Why they left", max_length=30, choices=EndReason.choices, blank=True
    )
    other_peer_roles = models.ManyToManyField(
        "governance.PeerRole", verbose_name="Other peer roles", related_name="+", blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[other_peer_roles])

    objects = BuddyQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "buddies"
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "prison_number"],
                name="buddy_prison_number_unique_in_prison",
                violation_error_message="There is already a buddy with this prison number in this prison",
            ),
            not_before("vetted_on", "applied_on"),
            not_before("interviewed_on", "applied_on"),
            not_before("offered_on", "applied_on"),
            not_before("rejected_on", "applied_on"),
            not_before("started_on", "applied_on"),
            not_before("ended_on", "started_on"),
            version_constraint("buddy"),
        ]
        indexes = [models.Index(fields=["prison", "status"])]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def current_pay_label(self) -> str:
        """The pay scheme in force, when the queryset was annotated by with_current_pay()."""
        scheme = getattr(self, "current_pay_scheme", None)
        return PayScheme(scheme).label if scheme else ""

    @property
    def has_confidentiality_conflict(self) -> bool:
        return any(
            role.code in CONFIDENTIALITY_CONFLICT_ROLES for role in self.other_peer_roles.all()
        )

    def clean(self):
        """Dates are in the past and in the order things happen; each outcome has what it needs."""
        errors = {}
        today = timezone.localdate()
        labels = {field: label[0].upper() + label[1:] for field, label in STEP_DATES}
        for field in labels:
            value = getattr(self, field)
            if value and value > today:
                errors[field] = f"{labels[field]} must be today or in the past"
        if self.applied_on:
            for field in ["vetted_on", "interviewed_on", "offered_on", "rejected_on", "started_on"]:
                value = getattr(self, field)
                if value and value < self.applied_on and field not in errors:
                    errors[field] = f"{labels[field]} must be on or after the date they applied"
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors.setdefault("ended_on", "The end date must be on or after the start date")
        if (
            self.vetting_outcome in {VettingOutcome.APPROVED, VettingOutcome.REFUSED}
            and not self.vetted_on
        ):
            errors.setdefault("vetted_on", "Enter the date of the vetting decision")
        if self.vetted_on and not self.vetting_outcome:
            errors.setdefault("vetting_outcome", "Select the outcome of security vetting")
        if errors:
            raise ValidationError(errors)


class PayRate(models.Model):
    """What a buddy is paid per session from a date on; earlier rates stay as pay history."""

    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="pay_rates")
    effective_from = models.DateField("Paid at this rate from")
    pay_scheme = models.CharField(max_length=20, choices=PayScheme.choices)
    rate_per_session = models.DecimalField(
        "Rate per session (£)", max_digits=6, decimal_places=2, default=Decimal("0.00")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["buddy", "effective_from"],
                name="pay_rate_one_per_buddy_and_date",
                violation_error_message="This buddy already has a pay rate starting on that date",
            ),
            models.CheckConstraint(
                name="pay_rate_not_negative", condition=Q(rate_per_session__gte=0)
            ),
            models.CheckConstraint(
                name="pay_rate_unpaid_volunteer_paid_nothing",
                condition=~Q(pay_scheme=PayScheme.UNPAID_VOLUNTEER) | Q(rate_per_session=0),
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_pay_scheme_display()} £{self.rate_per_session} from {self.effective_from}"
        )


class MissedReason(models.Model):
    """A prison's own, finer reason for a missed session (e.g. rest day), mapped onto the standard's."""

    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.CASCADE, related_name="missed_reasons"
    )
    label = models.CharField(max_length=60)
    maps_to = models.CharField(
        "Counts as", max_length=30, choices=[(o.value, o.label) for o in MISSED_OUTCOMES]
    )

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "label"],
                name="missed_reason_label_unique_in_prison",
                violation_error_message="This prison already has a reason with that name",
            )
        ]

    def __str__(self):
        return self.label


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts.policy import scope

        return scope(self, user)

    def in_week(self, monday: dt.date):
        return self.filter(date__gte=monday, date__lte=monday + dt.timedelta(days=6))


class Session(models.Model):
    """One half-day (or evening) of help from a buddy to a person, delivered or missed."""

    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField()
    period = models.CharField(max_length=3, choices=Period.choices)
    buddy = models.ForeignKey(
        Buddy, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    helper_prison_number = models.CharField(
        "Helper's prison number",
        max_length=7,
        blank=True,
        validators=[prison_number_validator],
        help_text="For informal help by someone who is not a buddy here",
    )
    recipient = models.ForeignKey(
        "recipients.Recipient", on_delete=models.PROTECT, related_name="sessions"
    )
    minutes = models.PositiveSmallIntegerField()
    tasks = models.ManyToManyField("governance.Task", related_name="+", blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.DELIVERED)
    missed_reason = models.ForeignKey(
        MissedReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    informal = models.BooleanField(default=False)
    paid = models.BooleanField(default=False)
    off_plan_reason = models.CharField("Why tasks outside the plan", max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[tasks])

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["buddy", "recipient", "date", "period"],
                condition=Q(buddy__isnull=False),
                name="session_one_per_buddy_recipient_date_period",
                violation_error_message="This buddy already has a session with this person then",
            ),
            models.UniqueConstraint(
                fields=["recipient", "date", "period", "helper_prison_number"],
                condition=Q(buddy__isnull=True),
                name="session_one_informal_per_helper_date_period",
            ),
            models.CheckConstraint(
                name="session_formal_names_a_buddy",
                condition=Q(informal=True) | Q(buddy__isnull=False),
            ),
            models.CheckConstraint(
                name="session_minutes_within_a_day", condition=Q(minutes__lte=1440)
            ),
        ]
        indexes = [
            models.Index(fields=["prison", "date"], name="session_prison_date"),
            # A person's sessions over a few weeks (their page, the rules on their support)
            # without reading their whole history.
            models.Index(fields=["recipient", "date"], name="session_recipient_date"),
        ]

    def __str__(self):
        return f"{self.recipient} on {self.date} ({self.period})"

    @property
    def delivered(self) -> bool:
        return self.outcome == Outcome.DELIVERED
