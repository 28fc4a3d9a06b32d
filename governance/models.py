from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.constants import (
    IncidentStatus,
    Leadership,
    Organisation,
    PrisonCategory,
    SchemeFormality,
    Severity,
    StaffActivity,
    SupervisionKind,
    TaskKind,
    TrainingProvider,
)

prison_code_validator = RegexValidator(
    r"^[A-Z]{2,5}$", "Enter a prison code of 2 to 5 capital letters, like HMX"
)


class ReferenceCode(models.Model):
    """A code from one of the data standard's lists; the code itself is the key."""

    code = models.CharField(primary_key=True, max_length=40)
    label = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return self.label


class Task(ReferenceCode):
    kind = models.CharField(max_length=10, choices=TaskKind.choices)
    why_not_allowed = models.CharField(max_length=200, blank=True)

    class Meta(ReferenceCode.Meta):
        pass


class Need(ReferenceCode):
    class Meta(ReferenceCode.Meta):
        pass


class TrainingModule(ReferenceCode):
    audience = models.CharField(max_length=10, choices=[("buddy", "Buddies"), ("staff", "Staff")])
    mandatory_by_default = models.BooleanField(default=False)

    class Meta(ReferenceCode.Meta):
        pass


class PeerRole(ReferenceCode):
    class Meta(ReferenceCode.Meta):
        pass


class IncidentCategory(ReferenceCode):
    risk_to = models.CharField(max_length=20)

    class Meta(ReferenceCode.Meta):
        verbose_name_plural = "incident categories"


class LocalAuthority(models.Model):
    name = models.CharField(max_length=120, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name


class PrisonQuerySet(models.QuerySet):
    def for_user(self, user):
        """The prisons this user may see, as decided by the access policy."""
        from accounts.policy import prisons_for

        return prisons_for(user, self)


class Prison(models.Model):
    code = models.CharField(max_length=5, unique=True, validators=[prison_code_validator])
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=PrisonCategory.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="prisons"
    )
    region = models.CharField(max_length=80, blank=True)
    history = HistoricalRecords()

    objects = PrisonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Scheme(models.Model):
    """How a prison runs peer support: what buddies are called, who leads, and its switches."""

    prison = models.OneToOneField(Prison, on_delete=models.CASCADE, related_name="scheme")
    name = models.CharField(
        "What buddies are called",
        max_length=60,
        default="Buddies",
        help_text="The name staff and prisoners use, for example Buddies, Carers or Care and "
        "support orderlies",
    )
    formality = models.CharField("Type of scheme", max_length=10, choices=SchemeFormality.choices)
    leadership = models.CharField("Who leads the scheme", max_length=30, choices=Leadership.choices)
    started_on = models.DateField("Date the scheme started", null=True, blank=True)
    allows_outer_clothing = models.BooleanField(
        "Buddies may help with outer clothes (jacket, shoes)", default=False
    )
    allows_medication_collect = models.BooleanField(
        "Buddies may collect sealed medication", default=False
    )
    min_pay_rate = models.DecimalField(
        "Lowest pay per session (£)", max_digits=6, decimal_places=2, default=Decimal("0.00")
    )
    max_pay_rate = models.DecimalField(
        "Highest pay per session (£)", max_digits=6, decimal_places=2, default=Decimal("10.00")
    )
    recipients_per_buddy = models.PositiveSmallIntegerField(
        "People supported for each buddy fit to work, at most",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Below one fit-to-work buddy for this many people supported, PeerCare warns",
    )
    usual_session_minutes = models.PositiveSmallIntegerField(
        "Usual length of a session, in minutes",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Used for a missed session on the weekly sheet: the time that was planned",
    )
    pays_regime_cancelled_sessions = models.BooleanField(
        "Buddies are paid for sessions cancelled by the regime (for example lockdown)", default=True
    )
    max_hours_per_week = models.PositiveSmallIntegerField(
        "Most hours a buddy should work in a week", default=28, validators=[MinValueValidator(1)]
    )
    training_renewal_window_days = models.PositiveSmallIntegerField(
        "Days a buddy stays fit to work after a mandatory module expires",
        default=30,
        help_text="So that a booked refresher does not stop care overnight; PeerCare warns meanwhile",
    )
    supervision_limit_days = models.PositiveSmallIntegerField(
        "Most days between a buddy's supervisions",
        default=31,
        validators=[MinValueValidator(1)],
    )
    max_clients_per_buddy = models.PositiveSmallIntegerField(
        "Most people one buddy should support", default=6, validators=[MinValueValidator(1)]
    )
    mandatory_modules = models.ManyToManyField(
        TrainingModule,
        verbose_name="Training a buddy must hold to be fit to work",
        related_name="+",
        blank=True,
    )
    history = HistoricalRecords(m2m_fields=[mandatory_modules])

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="scheme_pay_range_in_order",
                condition=models.Q(min_pay_rate__gte=0)
                & models.Q(max_pay_rate__gte=models.F("min_pay_rate")),
            )
        ]

    def __str__(self):
        return f"{self.name} at {self.prison}"

    def allowed_tasks(self):
        """Tasks a care plan here may list: the allowed ones, plus the optional two where switched on."""
        switched_on = []
        if self.allows_outer_clothing:
            switched_on.append("outer_clothing")
        if self.allows_medication_collect:
            switched_on.append("medication_collect")
        return Task.objects.filter(
            models.Q(kind=TaskKind.ALLOWED) | models.Q(kind=TaskKind.OPTIONAL, code__in=switched_on)
        )


staff_ref_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,40}$", "Use letters, numbers, hyphens and underscores only, like OFF-12"
)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Records the user may see (accounts.policy)."""
        from accounts.policy import scope

        return scope(self, user)


class StaffMember(models.Model):
    """Prison or partner staff involved in the scheme; they need no PeerCare account."""

    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="staff")
    staff_ref = models.CharField(
        "Staff reference",
        max_length=40,
        validators=[staff_ref_validator],
        help_text="The prison's own identifier for this member of staff",
    )
    name = models.CharField(max_length=120)
    role = models.CharField(
        max_length=120, help_text="For example, equalities officer or wing officer"
    )
    organisation = models.CharField(max_length=30, choices=Organisation.choices)
    band = models.PositiveSmallIntegerField(
        "Salary band",
        null=True,
        blank=True,
        help_text="Leave blank if not known: their time is then not costed",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "staff_ref"],
                name="staff_ref_unique_in_prison",
                violation_error_message="This prison already has staff with this reference",
            )
        ]

    def __str__(self):
        return self.name


class TrainingRecord(models.Model):
    """A module completed by a buddy or a member of staff (training.csv)."""

    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="training_records")
    buddy = models.ForeignKey(
        "buddies.Buddy", on_delete=models.CASCADE, null=True, blank=True, related_name="training"
    )
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, null=True, blank=True, related_name="training"
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=30, choices=TrainingProvider.choices)
    completed_on = models.DateField("Completed")
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    expires_on = models.DateField("Expires", null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                name="training_for_a_buddy_or_staff",
                condition=(Q(buddy__isnull=False) & Q(staff__isnull=True))
                | (Q(buddy__isnull=True) & Q(staff__isnull=False)),
            ),
            models.CheckConstraint(
                name="training_expires_after_completion",
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
            ),
            models.CheckConstraint(name="training_hours_not_negative", condition=Q(hours__gte=0)),
            models.UniqueConstraint(
                fields=["buddy", "module", "completed_on"],
                condition=Q(buddy__isnull=False),
                name="training_once_per_buddy_module_day",
                violation_error_message="This module is already recorded as completed on that date",
            ),
            models.UniqueConstraint(
                fields=["staff", "module", "completed_on"],
                condition=Q(staff__isnull=False),
                name="training_once_per_staff_module_day",
                violation_error_message="This module is already recorded as completed on that date",
            ),
        ]

    def __str__(self):
        return f"{self.module} completed {self.completed_on}"

    def clean(self):
        errors = {}
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "The completion date must be today or in the past"
        if self.expires_on and self.completed_on and self.expires_on <= self.completed_on:
            errors["expires_on"] = "The expiry date must be after the completion date"
        if errors:
            raise ValidationError(errors)


class StaffTime(models.Model):
    """Hours a member of staff spent on the scheme in a week (staff_time.csv), for costing."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time")
    week_starting = models.DateField()
    activity = models.CharField(max_length=20, choices=StaffActivity.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_starting"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "week_starting", "activity"],
                name="staff_time_once_per_week_and_activity",
                violation_error_message="Time for this activity is already recorded for that week",
            ),
            models.CheckConstraint(
                name="staff_time_hours_in_a_week", condition=Q(hours__gte=0) & Q(hours__lte=168)
            ),
        ]

    def __str__(self):
        return f"{self.staff}: {self.hours}h {self.activity} from {self.week_starting}"

    def clean(self):
        if self.week_starting and self.week_starting.weekday() != 0:
            raise ValidationError({"week_starting": "The week must start on a Monday"})


class Supervision(models.Model):
    """A supervision session for one or more buddies (supervision.csv)."""

    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="supervisions")
    reference = models.CharField(max_length=40, validators=[staff_ref_validator])
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=SupervisionKind.choices)
    supervisor = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="supervisions"
    )
    supervisor_name = models.CharField(
        "Supervisor's name",
        max_length=120,
        blank=True,
        help_text="When the supervisor is not on record here",
    )
    buddies = models.ManyToManyField("buddies.Buddy", related_name="supervisions")
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[buddies])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "reference"],
                name="supervision_reference_unique_in_prison",
                violation_error_message="This prison already has a supervision with this reference",
            ),
            models.CheckConstraint(
                name="supervision_has_a_supervisor",
                condition=Q(supervisor__isnull=False) | ~Q(supervisor_name=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} supervision {self.reference}"


class Incident(models.Model):
    """A risk that happened: to a person supported, to a buddy, or through misuse of the role."""

    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="incidents")
    reference = models.CharField(max_length=40, validators=[staff_ref_validator])
    occurred_on = models.DateField("Date it happened")
    category = models.ForeignKey(IncidentCategory, on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(max_length=6, choices=Severity.choices)
    buddy = models.ForeignKey(
        "buddies.Buddy", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    recipient = models.ForeignKey(
        "recipients.Recipient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    status = models.CharField(
        max_length=14, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    safeguarding_referral_on = models.DateField("Safeguarding referral made", null=True, blank=True)
    closed_on = models.DateField("Closed", null=True, blank=True)
    summary = models.TextField("What happened", blank=True)
    actions = models.TextField("Actions taken", blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "reference"],
                name="incident_reference_unique_in_prison",
                violation_error_message="This prison already has an incident with this reference",
            ),
            models.CheckConstraint(
                name="incident_closed_has_a_date",
                condition=(Q(status=IncidentStatus.CLOSED) & Q(closed_on__isnull=False))
                | (~Q(status=IncidentStatus.CLOSED) & Q(closed_on__isnull=True)),
            ),
            models.CheckConstraint(
                name="incident_closed_after_it_happened",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("occurred_on")),
            ),
        ]
        indexes = [models.Index(fields=["prison", "status", "severity"])]

    def __str__(self):
        return f"Incident {self.reference}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        for field, label in [
            ("occurred_on", "The date it happened"),
            ("safeguarding_referral_on", "The referral date"),
            ("closed_on", "The closing date"),
        ]:
            value = getattr(self, field)
            if value and value > today:
                errors[field] = f"{label} must be today or in the past"
        if self.status == IncidentStatus.CLOSED and not self.closed_on:
            errors.setdefault("closed_on", "Enter the date the incident was closed")
        if self.status != IncidentStatus.CLOSED and self.closed_on:
            errors.setdefault("status", "An incident with a closing date must be closed")
        if self.closed_on and self.occurred_on and self.closed_on < self.occurred_on:
            errors.setdefault(
                "closed_on", "The closing date must be on or after the date it happened"
            )
        if self.buddy_id and self.buddy.prison_id != self.prison_id:
            errors["buddy"] = "Choose a buddy from this prison"
        if self.recipient_id and self.recipient.prison_id != self.prison_id:
            errors["recipient"] = "Choose a person from this prison"
        if errors:
            raise ValidationError(errors)
