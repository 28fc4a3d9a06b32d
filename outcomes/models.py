"""Questionnaires defined as data (instruments, subscales, items) and the answers people give.

An Instrument row is one version of a questionnaire: a new version is a new row with its own
items, so a response keeps the exact items and scales it was given on.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from common.formatting import govuk_date
from governance.models import ScopedQuerySet
from outcomes.constants import DEFAULT_MIN_SHARE_ANSWERED, Audience, ScoringRule
from outcomes.validation import validate_scale


class Instrument(models.Model):
    """One version of a questionnaire, for one audience, with its scoring rule."""

    code = models.SlugField(max_length=40, help_text="Stable across versions, e.g. peercare-buddy")
    name = models.CharField(max_length=200)
    version = models.PositiveSmallIntegerField(default=1)
    audience = models.CharField("Who answers", max_length=10, choices=Audience.choices)
    scoring_rule = models.CharField(max_length=4, choices=ScoringRule.choices)
    min_share_answered = models.DecimalField(
        "Share of items that must be answered",
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_MIN_SHARE_ANSWERED,
        help_text="A subscale or overall score is given only when at least this share is answered",
    )
    licence_note = models.TextField(
        blank=True, help_text="Who owns the instrument and on what terms it may be used"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="instrument_version_once",
                violation_error_message="This version of the instrument already exists",
            ),
            models.CheckConstraint(name="instrument_version_from_1", condition=Q(version__gte=1)),
            models.CheckConstraint(
                name="instrument_min_share_a_proportion",
                condition=Q(min_share_answered__gt=0, min_share_answered__lte=1),
                violation_error_message="The share of items to answer must be more than 0 and at most 1",
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"


class Subscale(models.Model):
    """A group of an instrument's items scored together, such as safety or wellbeing."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="subscales")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"], name="subscale_code_once_per_instrument"
            )
        ]

    def __str__(self):
        return self.name


class Item(models.Model):
    """One question, read aloud as written, with its labelled response scale."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    subscale = models.ForeignKey(Subscale, on_delete=models.PROTECT, related_name="items")
    reverse_scored = models.BooleanField(
        default=False, help_text="Worded negatively: scored as lowest + highest - answer"
    )
    scale = models.JSONField(
        validators=[validate_scale],
        help_text='The response scale as [value, label] points, e.g. [[1, "Disagree"], [2, "Agree"]]',
    )

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="item_number_once_per_instrument"
            ),
            models.CheckConstraint(name="item_number_from_1", condition=Q(number__gte=1)),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    @property
    def values(self) -> list[int]:
        return [value for value, _label in self.scale]

    def clean(self):
        if (
            self.subscale_id
            and self.instrument_id
            and self.subscale.instrument_id != self.instrument_id
        ):
            raise ValidationError({"subscale": "Choose one of this instrument's subscales"})


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or the month's last day if it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# Follow-ups every 3 months unless the prison chooses otherwise; at most two years apart.
DEFAULT_FOLLOW_UP_MONTHS = 3
MAX_FOLLOW_UP_MONTHS = 24


class SurveyWave(models.Model):
    """One round of asking the questionnaires in one prison, over a few weeks: the baseline
    (number 0), then follow-ups numbered 1, 2, ... at the interval the prison chooses.

    A wave fixes the versions of the questionnaires it uses, so its answers can be compared with
    the baseline's. Waves do not overlap: each starts after the one before has ended."""

    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.PROTECT, related_name="survey_waves"
    )
    number = models.PositiveSmallIntegerField(help_text="0 for the baseline, then 1, 2, ...")
    starts_on = models.DateField("First day of asking")
    ends_on = models.DateField("Last day of asking")
    follow_up_months = models.PositiveSmallIntegerField(
        "Months until the next follow-up",
        default=DEFAULT_FOLLOW_UP_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FOLLOW_UP_MONTHS)],
    )
    instruments = models.ManyToManyField(
        Instrument, verbose_name="Questionnaires", related_name="waves"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[instruments])

    class Meta:
        ordering = ["prison", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "number"],
                name="survey_wave_number_once_per_prison",
                violation_error_message="This prison already has a wave with this number",
            ),
            models.CheckConstraint(
                name="survey_wave_dates_in_order",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message="The last day of asking must not be before the first",
            ),
            models.CheckConstraint(
                name="survey_wave_follow_up_interval",
                condition=Q(follow_up_months__gte=1, follow_up_months__lte=MAX_FOLLOW_UP_MONTHS),
                violation_error_message=(
                    f"The next follow-up must be 1 to {MAX_FOLLOW_UP_MONTHS} months later"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.label} at {self.prison_id and self.prison}"

    @property
    def is_baseline(self) -> bool:
        return self.number == 0

    @property
    def label(self) -> str:
        return "Baseline" if self.number == 0 else f"Follow-up {self.number}"

    @property
    def next_due_on(self) -> dt.date:
        """When the next follow-up should start: the chosen number of months after this one."""
        return add_months(self.starts_on, self.follow_up_months)


# Which person field a response must have for each audience; staff answer anonymously.
PERSON_FIELD = {Audience.BUDDY: "buddy", Audience.RECIPIENT: "recipient", Audience.STAFF: None}


class Response(models.Model):
    """One person's answers to one version of an instrument on one day, or their refusal."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.PROTECT, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    # Copied from the instrument so the database itself can check who the response is about.
    audience = models.CharField(max_length=10, choices=Audience.choices, editable=False)
    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.PROTECT, related_name="outcome_responses"
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_responses",
    )
    recipient = models.ForeignKey(
        "recipients.Recipient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_responses",
    )
    answered_on = models.DateField("Answered")
    declined = models.BooleanField(default=False, help_text="Chose not to answer")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-answered_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="response_about_one_person_of_the_audience",
                condition=Q(audience=Audience.BUDDY, buddy__isnull=False, recipient__isnull=True)
                | Q(audience=Audience.RECIPIENT, recipient__isnull=False, buddy__isnull=True)
                | Q(audience=Audience.STAFF, buddy__isnull=True, recipient__isnull=True),
                violation_error_message="A response is about exactly one buddy or person "
                "supported, matching who the instrument is for",
            ),
            models.UniqueConstraint(
                fields=["wave", "instrument", "buddy"],
                condition=Q(buddy__isnull=False),
                name="response_once_per_buddy_per_wave",
                violation_error_message="This buddy has already answered this questionnaire "
                "in this wave",
            ),
            models.UniqueConstraint(
                fields=["wave", "instrument", "recipient"],
                condition=Q(recipient__isnull=False),
                name="response_once_per_recipient_per_wave",
                violation_error_message="This person has already answered this questionnaire "
                "in this wave",
            ),
        ]
        indexes = [models.Index(fields=["prison", "answered_on"])]

    def __str__(self):
        return f"{self.instrument} answered on {self.answered_on}"

    def save(self, *args, **kwargs):
        if self.instrument_id:
            self.audience = self.instrument.audience
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.wave_id and self.prison_id and self.wave.prison_id != self.prison_id:
            errors["wave"] = "This wave belongs to another prison"
        if (
            self.wave_id
            and self.answered_on
            and not (self.wave.starts_on <= self.answered_on <= self.wave.ends_on)
        ):
            errors["answered_on"] = (
                f"The date must be within the wave: {govuk_date(self.wave.starts_on)} "
                f"to {govuk_date(self.wave.ends_on)}"
            )
        if self.instrument_id:
            self.audience = self.instrument.audience
            person_field = PERSON_FIELD[self.audience]
            person = getattr(self, person_field) if person_field else None
            if person is not None and self.prison_id and person.prison_id != self.prison_id:
                errors[person_field] = "This person is not in the response's prison"
            if self.wave_id and not self.wave.instruments.filter(pk=self.instrument_id).exists():
                errors["instrument"] = "This questionnaire is not used in this wave"
        if errors:
            raise ValidationError(errors)


class Answer(models.Model):
    """The value given to one item; no value means the item was not answered."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item")
        ]

    def __str__(self):
        return (
            f"Item {self.item.number}: {self.value if self.value is not None else 'not answered'}"
        )

    def clean(self):
        errors = {}
        if self.response_id and self.item_id:
            if self.item.instrument_id != self.response.instrument_id:
                errors["item"] = "This item is not on the version of the instrument answered"
            elif self.value is not None and self.value not in self.item.values:
                labels = ", ".join(str(value) for value in self.item.values)
                errors["value"] = f"Choose one of the scale's values: {labels}"
        if errors:
            raise ValidationError(errors)


class ExtractRun(models.Model):
    """One pseudonymised research extract, recorded once when it is written and never changed."""

    requested_by = models.CharField("Requested by", max_length=150)
    os_user = models.CharField("Run by (operating system user)", max_length=150, blank=True)
    at = models.DateTimeField("Written at", auto_now_add=True)
    period_from = models.DateField("Period from")
    period_to = models.DateField("Period to")
    prisons = models.JSONField(default=list, help_text="Codes of the prisons extracted")
    row_counts = models.JSONField(default=dict, help_text="Data rows per file")
    output_path = models.CharField("Written to", max_length=1000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="extract_run_period_in_order",
                condition=Q(period_from__lte=models.F("period_to")),
                violation_error_message="The period must not end before it starts",
            )
        ]

    def __str__(self):
        return f"Research extract {self.period_from} to {self.period_to} by {self.requested_by}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An extract run is recorded once and never changed")
        super().save(*args, **kwargs)
