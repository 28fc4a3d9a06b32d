"""Survey results: per prison and wave, the mean score of each subscale and overall with the
number of responses behind it, and the change from the baseline.

The rules:
- a response's scores come from outcomes.scoring (reverse items, the 80% rule); a subscale's
  mean over a wave is the mean of the scores of the responses that have one, rounded half up to
  2 places; a declined or too-incomplete response counts as asked but not in the mean;
- questionnaires are compared across waves by their code and subscale codes, so a follow-up
  asked on a newer version of a questionnaire still lines up with the baseline;
- the change from baseline is the later wave's mean minus the baseline's, given only when both
  have a mean;
- for people who may not see records (inspectors, national analysts), a mean or count resting
  on 1 to 4 responses is shown as "<5", and so is a change that uses one.

Reading results takes a fixed number of queries however many waves and responses there are.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from monitoring.disclosure import SMALL, suppress
from outcomes.models import Answer, Instrument, Response, SurveyWave
from outcomes.scoring import OVERALL, TWO_PLACES, InstrumentRule, ScoreResult, item_rule, score

OVERALL_NAME = "Overall"


@dataclass(frozen=True)
class Cell:
    """One subscale's result in one wave: the mean of the scores and how many there were."""

    mean: Decimal | str | None
    scored: int | str

    @property
    def hidden(self) -> bool:
        return self.mean == SMALL


@dataclass
class Row:
    code: str
    name: str
    cells: list[Cell]  # one per wave, in the table's order
    change: Decimal | str | None = None  # the last wave's mean minus the first (baseline) wave's


@dataclass
class Table:
    """One questionnaire's results across some of a prison's waves."""

    code: str
    name: str
    audience: str
    waves: list[SurveyWave]
    asked: list[int | str]  # responses recorded in each wave, declined ones included
    declined: list[int | str]
    rows: list[Row] = field(default_factory=list)

    @property
    def response_counts(self) -> list[tuple[int | str, int | str]]:
        return list(zip(self.asked, self.declined, strict=True))

    @property
    def compares_with_baseline(self) -> bool:
        return len(self.waves) > 1 and self.waves[0].is_baseline


def _mean(scores: list[Decimal]) -> Decimal | None:
    if not scores:
        return None
    return (sum(scores) / len(scores)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _rules(instrument_ids: Iterable[int]) -> dict[int, tuple[Instrument, InstrumentRule]]:
    """Each instrument with its scoring rule, in 2 queries whatever the number."""
    instruments = list(
        Instrument.objects.filter(pk__in=set(instrument_ids)).prefetch_related(
            "subscales", "items__subscale"
        )
    )
    rules = {}
    for instrument in instruments:
        subscales = sorted(instrument.subscales.all(), key=lambda s: (s.order, s.code))
        items = sorted(instrument.items.all(), key=lambda item: item.number)
        rules[instrument.pk] = (
            instrument,
            InstrumentRule(
                scoring_rule=instrument.scoring_rule,
                min_share_answered=instrument.min_share_answered,
                subscales=tuple((s.code, s.name) for s in subscales),
                items=tuple(
                    item_rule(
                        number=item.number,
                        subscale=item.subscale.code,
                        scale=item.scale,
                        reverse_scored=item.reverse_scored,
                    )
                    for item in items
                ),
            ),
        )
    return rules


@dataclass
class _Tally:
    asked: int = 0
    declined: int = 0
    scores: dict[str, list[Decimal]] = field(default_factory=lambda: defaultdict(list))


def tallies(waves: list[SurveyWave]) -> tuple[dict, dict]:
    """Scores of every response in the waves, by (wave id, questionnaire code), and the latest
    version of each questionnaire code seen (for names and subscale order). 5 queries."""
    by_wave: dict[tuple[int, str], _Tally] = defaultdict(_Tally)
    if not waves:
        return by_wave, {}
    responses = list(
        Response.objects.filter(wave__in=waves).values_list(
            "pk", "wave_id", "instrument_id", "declined"
        )
    )
    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    for response_id, number, value in Answer.objects.filter(response__wave__in=waves).values_list(
        "response_id", "item__number", "value"
    ):
        answers[response_id][number] = value
    wave_instruments = SurveyWave.instruments.through.objects.filter(surveywave__in=waves)
    rules = _rules(
        {instrument_id for _pk, _w, instrument_id, _d in responses}
        | set(wave_instruments.values_list("instrument_id", flat=True))
    )
    latest: dict[str, tuple[Instrument, InstrumentRule]] = {}
    for instrument, rule in sorted(rules.values(), key=lambda pair: pair[0].version):
        latest[instrument.code] = (instrument, rule)
    for response_id, wave_id, instrument_id, declined in responses:
        instrument, rule = rules[instrument_id]
        tally = by_wave[wave_id, instrument.code]
        tally.asked += 1
        if declined:
            tally.declined += 1
            continue
        result = score(rule, answers[response_id])
        for result_score in [*result.subscales.values(), result.overall]:
            if result_score.score is not None:
                tally.scores[result_score.code].append(result_score.score)
    return by_wave, latest


def _count(n: int, hide_small: bool) -> int | str:
    return suppress(n, n) if hide_small else n


def tables(waves: list[SurveyWave], *, hide_small: bool, tallied=None) -> list[Table]:
    """A table per questionnaire used in the waves (given in column order, baseline first):
    a row per subscale and overall, a cell per wave, and the change from the first wave to the
    last. `tallied` is tallies() over these waves or more, when already read."""
    by_wave, latest = tallied if tallied is not None else tallies(waves)
    wave_ids = {wave.pk for wave in waves}
    used = {code for wave_id, code in by_wave if wave_id in wave_ids} | {
        instrument.code for wave in waves for instrument in wave.instruments.all()
    }
    result = []
    for code, (instrument, rule) in sorted(
        latest.items(), key=lambda pair: (pair[1][0].audience != "recipient", pair[1][0].name)
    ):
        if code not in used:
            continue
        tallies_here = [by_wave.get((wave.pk, code), _Tally()) for wave in waves]
        table = Table(
            code=code,
            name=instrument.name,
            audience=instrument.get_audience_display(),
            waves=list(waves),
            asked=[_count(t.asked, hide_small) for t in tallies_here],
            declined=[_count(t.declined, hide_small) for t in tallies_here],
        )
        for subscale_code, subscale_name in [*rule.subscales, (OVERALL, OVERALL_NAME)]:
            cells = []
            for tally in tallies_here:
                scores = tally.scores.get(subscale_code, [])
                n = len(scores)
                if hide_small and 1 <= n <= 4:
                    cells.append(Cell(SMALL, SMALL))
                else:
                    cells.append(Cell(_mean(scores), n))
            row = Row(subscale_code, subscale_name, cells)
            first, last = cells[0], cells[-1]
            if table.compares_with_baseline:
                if first.hidden or last.hidden:
                    row.change = SMALL if first.mean is not None and last.mean is not None else None
                elif first.mean is not None and last.mean is not None:
                    row.change = last.mean - first.mean
            table.rows.append(row)
        result.append(table)
    return result


def baseline_and_latest(prison_waves: list[SurveyWave]) -> list[SurveyWave]:
    """The columns of a short summary: the baseline and the latest follow-up with any answers
    (so a follow-up just begun does not hide the last one's results). Waves must come from
    waves_by_prison(), which counts their responses."""
    if not prison_waves:
        return []
    answered = [wave for wave in prison_waves[1:] if wave.responses_recorded]
    return [prison_waves[0], answered[-1]] if answered else [prison_waves[0]]


@dataclass
class ComparedPrison:
    prison: object
    baseline: SurveyWave | None
    latest: SurveyWave | None
    row: Row | None  # the chosen subscale (or overall): baseline cell, latest cell, change

    @property
    def baseline_cell(self) -> Cell | None:
        return self.row.cells[0] if self.row else None

    @property
    def latest_cell(self) -> Cell | None:
        return self.row.cells[-1] if self.row and self.latest else None


@dataclass
class Comparison:
    code: str
    name: str
    subscales: list[tuple[str, str]]  # the questionnaire's subscales, then overall
    prisons: list[ComparedPrison]


def waves_by_prison(prisons, on) -> dict[int, list[SurveyWave]]:
    """Each prison's waves that had started by `on`, baseline first, each with the number of
    responses recorded in it. 2 queries."""
    waves = (
        SurveyWave.objects.filter(prison__in=prisons, starts_on__lte=on)
        .annotate(responses_recorded=Count("responses"))
        .prefetch_related("instruments")
        .order_by("prison_id", "number")
    )
    grouped: dict[int, list[SurveyWave]] = defaultdict(list)
    for wave in waves:
        grouped[wave.prison_id].append(wave)
    return grouped


def comparison(prisons, on, *, hide_small: bool, subscale: str = OVERALL) -> list[Comparison]:
    """For each questionnaire, every prison's baseline and latest wave up to `on`, with the
    chosen subscale's (or the overall) mean in each and the change from baseline. A fixed
    number of queries."""
    prisons = list(prisons)
    grouped = waves_by_prison(prisons, on)
    columns = {pk: baseline_and_latest(waves) for pk, waves in grouped.items()}
    tallied = tallies([wave for waves in columns.values() for wave in waves])
    per_prison = {
        pk: {table.code: table for table in tables(waves, hide_small=hide_small, tallied=tallied)}
        for pk, waves in columns.items()
    }
    _by_wave, latest = tallied
    result = []
    for code, (instrument, rule) in sorted(
        latest.items(), key=lambda pair: (pair[1][0].audience != "recipient", pair[1][0].name)
    ):
        compared = []
        for prison in prisons:
            table = per_prison.get(prison.pk, {}).get(code)
            waves = columns.get(prison.pk, [])
            rows = {row.code: row for row in table.rows} if table else {}
            compared.append(
                ComparedPrison(
                    prison=prison,
                    baseline=waves[0] if waves else None,
                    latest=waves[-1] if len(waves) > 1 else None,
                    row=rows.get(subscale),
                )
            )
        result.append(
            Comparison(
                code=code,
                name=instrument.name,
                subscales=[*rule.subscales, (OVERALL, OVERALL_NAME)],
                prisons=compared,
            )
        )
    return result


def response_scores(responses: list[Response]) -> dict[int, ScoreResult]:
    """The scores of each response, by id, in 3 queries whatever the number."""
    if not responses:
        return {}
    rules = _rules({response.instrument_id for response in responses})
    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    for response_id, number, value in Answer.objects.filter(response__in=responses).values_list(
        "response_id", "item__number", "value"
    ):
        answers[response_id][number] = value
    return {
        response.pk: score(
            rules[response.instrument_id][1], answers[response.pk], declined=response.declined
        )
        for response in responses
    }
