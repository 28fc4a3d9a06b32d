from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from governance.constants import Leadership, PrisonCategory, SchemeFormality, TaskKind

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
