"""The cost indicators, from each prison's cost template for the financial year of the period's end."""

import datetime as dt

from costs.models import CostYear, UnitCost
from monitoring.indicators import compute_all
from tests.test_cost_template import WORKED_EXAMPLE


def test_labour_non_labour_and_funding_come_from_the_cost_template(home_prison, other_prison):
    UnitCost.objects.create(financial_year="2025-26", band=6, hourly_cost="58.70")
    CostYear.objects.create(
        prison=home_prison,
        financial_year="2025-26",
        template={**WORKED_EXAMPLE, "financial_year": "2025-26"},
    )
    result = compute_all([home_prison, other_prison], dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    # Labour: buddy pay 7,488 + staff 104 h x 58.70 = 6,104.80 -> 13,592.80; non-labour: training 1,200.
    assert (str(result["labour_cost"].value), result["labour_cost"].base) == ("13592.80", 1)
    assert str(result["non_labour_cost"].value) == "1200.00"
    assert {k: str(v) for k, v in result["funding_sources"].value.items()} == {
        "local_authority": "1200.00",
        "prison": "13592.80",
    }


def test_no_cost_template_for_the_year_gives_no_cost_figure(home_prison):
    result = compute_all([home_prison], dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert (result["labour_cost"].value, result["labour_cost"].base) == (None, 0)
    assert result["funding_sources"].value == {}
