"""The cost calculation on its own (no database): the worked example of DOMAIN.md, by hand."""

from decimal import Decimal

from costs.calculation import (
    BuddyPayLine,
    CostInput,
    ExternalLine,
    ItemLine,
    PaidLine,
    StaffLine,
    calculate,
)

D = Decimal
UNIT_COSTS_2022 = {3: D("18.40"), 6: D("58.70")}


def example(**changes) -> CostInput:
    """12 buddies at £1.50 a session, 8 sessions a week for 52 weeks; 20 recipients."""
    fields = {
        "prison_code": "HMX",
        "financial_year": "2022-23",
        "buddies_in_year": 12,
        "recipients_in_year": 20,
        "buddy_pay": [BuddyPayLine("enhanced", D("1.50"), D(8), D(52), 12)],
    }
    return CostInput(**{**fields, **changes})


def test_buddy_pay_alone():
    result = calculate(example(), unit_costs=UNIT_COSTS_2022)
    # 1.50 x 8 x 52 x 12 = 7,488; per buddy 7,488 / 12 = 624; per recipient 7,488 / 20 = 374.40
    assert result.components["buddy_pay"] == D("7488.00")
    assert result.total == D("7488.00")
    assert result.per_buddy == D("624")
    assert result.per_recipient == D("374.4")
    assert result.source_of_buddy_pay == "template"


def test_with_training():
    result = calculate(
        example(
            training=[PaidLine("Module training, 12 buddies", D("1200.00"), "local_authority")]
        ),
        unit_costs=UNIT_COSTS_2022,
    )
    # 7,488 + 1,200 = 8,688; per recipient 434.40; per buddy 724; without training as before.
    assert result.total == D("8688.00")
    assert result.per_recipient == D("434.4")
    assert result.per_buddy == D("724")
    assert result.total_excluding_training == D("7488.00")
    assert result.per_recipient_excluding_training == D("374.4")
    assert result.by_payer == {"prison": D("7488.00"), "local_authority": D("1200.00")}


def test_with_a_band_6_officer_two_hours_a_week():
    result = calculate(
        example(
            training=[PaidLine("Module training, 12 buddies", D("1200.00"), "local_authority")],
            staff=[StaffLine("Equalities officer", 6, D(104))],
        ),
        unit_costs=UNIT_COSTS_2022,
    )
    # 2 x 52 x 58.70 = 6,104.80; total 14,792.80; per recipient 739.64.
    assert result.components["staff_labour"] == D("6104.80")
    assert result.total == D("14792.80")
    assert result.per_recipient == D("739.64")
    json = result.as_json()
    assert json["total"] == "14792.80"
    assert json["per_recipient"] == "739.64"
    assert json["per_buddy"] == "1232.73"  # 14,792.80 / 12 = 1,232.7333… rounded half up
    assert json["components"] == {
        "buddy_pay": "7488.00",
        "training": "1200.00",
        "staff_labour": "6104.80",
        "external_organisations": "0.00",
        "non_labour": "0.00",
        "incentives": "0.00",
    }


def test_missing_pieces_are_listed_and_left_out_of_totals():
    result = calculate(
        example(
            staff=[StaffLine("Wing officer", None, D(50)), StaffLine("Manager", 8, D(10))],
            external_organisations=[ExternalLine("Local charity", "training", D(14), None)],
            non_labour=[
                ItemLine("polo shirts", D("6.00"), D(24), "prison"),
                ItemLine("badges", None, D(12), "prison"),
            ],
        ),
        unit_costs=UNIT_COSTS_2022,
    )
    assert result.incomplete == [
        "Wing officer: salary band not recorded; 50 hours not costed",
        "Manager: no unit cost for band 8 in 2022-23; 10 hours not costed",
        "Local charity (training): cost not recorded; not costed",
        "badges: unit cost not recorded; not costed",
    ]
    # Only the polo shirts are added: 6.00 x 24 = 144.
    assert result.total == D("7488.00") + D("144.00")


def test_the_split_by_pay_scheme():
    result = calculate(
        example(
            buddy_pay=[
                BuddyPayLine("enhanced", D("1.50"), D(8), D(52), 6),  # 3,744
                BuddyPayLine("standard", D("1.00"), D(8), D(52), 6),  # 2,496
            ],
            training=[PaidLine("Training", D("1000.00"), "prison")],
            recipients_by_scheme={"enhanced": 12, "standard": 8},
        ),
        unit_costs=UNIT_COSTS_2022,
    )
    # Shared: 1,000 / 20 = 50 each. Enhanced 3,744 / 12 + 50 = 362; standard 2,496 / 8 + 50 = 362.
    assert result.per_recipient_by_scheme == {"enhanced": D("362"), "standard": D("362")}


def test_pay_from_sessions_replaces_the_template_lines():
    result = calculate(
        example(), unit_costs=UNIT_COSTS_2022, pay_from_sessions={"standard": D("1234.56")}
    )
    assert (result.source_of_buddy_pay, result.components["buddy_pay"]) == (
        "sessions",
        D("1234.56"),
    )


def test_no_recipients_gives_no_per_recipient_figure():
    result = calculate(example(recipients_in_year=0), unit_costs=UNIT_COSTS_2022)
    assert result.per_recipient is None
    assert result.as_json()["per_recipient"] is None


def test_the_last_financial_year_to_have_ended():
    import datetime as dt

    from costs.calculation import last_financial_year

    assert last_financial_year(dt.date(2026, 11, 25)) == "2025-26"
    assert last_financial_year(dt.date(2026, 3, 31)) == "2024-25"
    assert last_financial_year(dt.date(2026, 4, 1)) == "2025-26"
    assert last_financial_year(dt.date(2000, 1, 1)) == "1998-99"
