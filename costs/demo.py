"""Demo costs: a cost template for each demo prison for the financial year holding today and the
one before (the monitoring indicators cost the financial year holding a period's end), one
prison's incomplete.

The unit costs here are demo figures, not published ones; a year that already has a unit cost for a
band keeps it."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from costs.calculation import last_financial_year
from costs.models import CostYear, UnitCost
from costs.services import cost_year_import
from monitoring.indicators import financial_year_of

DEMO_UNIT_COSTS = {3: Decimal("19.10"), 6: Decimal("60.90")}

TEMPLATES = {
    "NGT": {
        "buddies_in_year": 10,
        "recipients_in_year": 12,
        "buddy_pay": [
            {
                "scheme": "enhanced",
                "rate_per_session": "2.00",
                "sessions_per_week": 10,
                "weeks": 52,
                "buddies": 2,
            },
            {
                "scheme": "standard",
                "rate_per_session": "1.50",
                "sessions_per_week": 10,
                "weeks": 52,
                "buddies": 7,
            },
        ],
        "staff": [
            {"role": "Social care lead", "band": 6, "hours": 130},
            {"role": "Wing officer", "band": 3, "hours": 200},
        ],
        "external_organisations": [],
        "non_labour": [
            {"item": "polo shirts", "unit_cost": "6.00", "quantity": 20, "paid_by": "prison"}
        ],
        "training": [
            {
                "description": "Module training by the council",
                "cost": "1500.00",
                "paid_by": "local_authority",
            }
        ],
        "incentives": [],
        "recipients_by_scheme": {"enhanced": 3, "standard": 9},
        "prison_estimate_total": "12000.00",
    },
    "EMR": {
        "buddies_in_year": 9,
        "recipients_in_year": 6,
        "buddy_pay": [
            {
                "scheme": "standard",
                "rate_per_session": "0.88",
                "sessions_per_week": 12,
                "weeks": 52,
                "buddies": 8,
            }
        ],
        "staff": [{"role": "Wing officer", "band": None, "hours": 52}],
        "external_organisations": [
            {
                "organisation": "Local charity",
                "role": "wellbeing sessions",
                "hours": 10,
                "cost": None,
            }
        ],
        "non_labour": [
            {"item": "gloves", "unit_cost": None, "quantity": 100, "paid_by": "prison"},
            {"item": "aprons", "unit_cost": "0.15", "quantity": 400, "paid_by": "prison"},
        ],
        "training": [],
        "incentives": [],
        "recipients_by_scheme": None,
        "prison_estimate_total": None,
    },
    "WFL": {
        "buddies_in_year": 8,
        "recipients_in_year": 5,
        "buddy_pay": [
            {
                "scheme": "standard",
                "rate_per_session": "1.20",
                "sessions_per_week": 8,
                "weeks": 52,
                "buddies": 8,
            }
        ],
        "staff": [{"role": "Equalities officer", "band": 6, "hours": 156}],
        "external_organisations": [
            {
                "organisation": "Care Partners charity",
                "role": "training",
                "hours": 20,
                "cost": "900.00",
            }
        ],
        "non_labour": [
            {
                "item": "lanyards",
                "unit_cost": "1.50",
                "quantity": 10,
                "paid_by": "external_organisation",
            }
        ],
        "training": [
            {
                "description": "Module training by Care Partners",
                "cost": "600.00",
                "paid_by": "external_organisation",
            }
        ],
        "incentives": [{"description": "Canteen vouchers", "cost": "120.00", "paid_by": "prison"}],
        "recipients_by_scheme": {"standard": 5},
        "prison_estimate_total": None,
    },
}


def demo_years(today=None) -> list[str]:
    """The financial year before the one holding today, and that one: like 2025-26 and 2026-27."""
    today = today or timezone.localdate()
    return [last_financial_year(today), financial_year_of(today)]


@transaction.atomic
def demo_seed_costs() -> list[str]:
    created = []
    for year in demo_years():
        for band, cost in DEMO_UNIT_COSTS.items():
            UnitCost.objects.get_or_create(
                financial_year=year, band=band, defaults={"hourly_cost": cost}
            )
        for code, fields in TEMPLATES.items():
            if CostYear.objects.filter(prison__code=code, financial_year=year).exists():
                continue
            cost_year_import(data={"prison_code": code, "financial_year": year, **fields})
            created.append(f"costs for {code} in {year}")
    return created
