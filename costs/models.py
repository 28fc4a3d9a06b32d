from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models import ScopedQuerySet


class UnitCost(models.Model):
    """The hourly cost of a member of staff by salary band and financial year (set by administrators)."""

    financial_year = models.CharField(max_length=7)
    band = models.PositiveSmallIntegerField("Salary band")
    hourly_cost = models.DecimalField("Cost an hour (£)", max_digits=7, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year", "band"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "band"],
                name="unit_cost_once_per_year_and_band",
                violation_error_message="This band already has a unit cost for that year",
            ),
            models.CheckConstraint(name="unit_cost_not_negative", condition=Q(hourly_cost__gte=0)),
        ]

    def __str__(self):
        return f"Band {self.band}, {self.financial_year}: £{self.hourly_cost} an hour"


class CostYear(models.Model):
    """One prison's cost template for one financial year, kept in the data standard's own form."""

    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.PROTECT, related_name="cost_years"
    )
    financial_year = models.CharField(max_length=7)
    template = models.JSONField(help_text="The cost template as in DATA-STANDARD.md")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["prison__name", "-financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "financial_year"], name="cost_year_once_per_prison_and_year"
            )
        ]

    def __str__(self):
        return f"Costs for {self.prison} in {self.financial_year}"
