"""End to end on a generated quarter: the child protection, LADO and MA-01 indicators recomputed from the truth.

The generator writes the canonical value of every data row it put in a spreadsheet (`_truth/records/`) and every
error it injected (`_truth/errors.csv`). This test runs the whole pipeline once on SQLite, then recomputes
CSC-01 to CSC-07, LADO-01 to LADO-03 and MA-01 here, with pandas and plain Python over those truth files,
following the definitions in `sql/indicators/catalogue.toml`, and compares every breakdown the published
dataset holds: numerator and denominator exactly, value within 1e-9. Nothing here reads the warehouse or the
indicator SQL: a test that reused the code under test would prove nothing.

Rows whose injected rule is an ERROR are rejected by the pipeline and left out here; rows carrying a QUERY are
loaded and count. MA-01 joins a CSC child to the police through the pipeline's own person reconciliation, not
the truth, so it is compared with the truth within a tolerance that reflects linkage recall (see `test_ma_01`).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from synthetic.generate import generate
from tests.conftest import population_file
from transforms import warehouse
from transforms.pipeline import run

PERIOD = "2026-09"
SEED = 40  # a quarter in which every indicator here has a non-zero headline numerator
E = dt.date(2026, 9, 30)  # the period end
R_AFTER = dt.date(2025, 9, 30)  # R: the 12 months ending E, i.e. R_AFTER < date <= E
FYTD_START = dt.date(2026, 4, 1)  # financial year to date: FYTD_START <= date <= E
E_MINUS_18M = dt.date(2025, 3, 31)  # the latest start with 18 months by 30 September 2026 (31 March + 18 months)
POPULATION = 48000  # the child population the run is given (ASSURE_CHILD_POPULATION, every mid-year)
CP_CATEGORIES = ("NEG", "PHY", "EMO", "SAB", "MUL")
REFERRER_TYPES = ("SECONDARY_SCHOOL", "PRIMARY_SCHOOL", "SPECIAL_SCHOOL", "EARLY_YEARS", "OTHER_LA", "POLICE",
                  "FOSTERING_AGENCY", "OFSTED", "LOCAL_AUTHORITY", "INDIVIDUAL", "PROBATION", "CHILDRENS_HOME",
                  "HEALTH", "FAITH_SETTING", "OTHER")
OUTCOMES = ("SUBSTANTIATED", "UNSUBSTANTIATED", "MALICIOUS", "FALSE", "UNFOUNDED", "NO_ABUSE", "NOT_CONCLUDED")
# MA-01: the pipeline links a CP child to the police by its own reconciliation. Links it misses (a child whose
# identity row was rejected, a police record kept under different details) can only lose numerator children;
# they must not cost more than 15% of the children the truth finds, and a wrong link must never add one.
MA_01_MIN_RECALL = 0.85

Expected = dict[str, tuple[int, int | None, float]]  # breakdown -> (numerator, denominator, value)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> tuple[Path, dict[tuple[str, str], dict]]:
    """Generate a quarter, run the pipeline once on SQLite; the landing folder and the published rows."""
    landing = tmp_path_factory.mktemp("landing")
    out = tmp_path_factory.mktemp("out")
    generate(landing, PERIOD, scale=0.3, seed=SEED)
    url = f"sqlite:///{out / 'warehouse.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSURE_CHILD_POPULATION", population_file(tmp_path_factory.mktemp("population")))
        patch.delenv("ASSURE_AREA_CODE", raising=False)
        run(str(landing), PERIOD, str(out), url, progress=lambda line: None)
    warehouse.dispose_all()
    with open(out / "published" / f"partnership_dataset_{PERIOD}.csv", newline="") as handle:
        published = {(r["indicator_id"], r["breakdown"]): r for r in csv.DictReader(handle)}
    return landing, published


# ---- the truth ------------------------------------------------------------------------------------------------

def day(text: str) -> dt.date | None:
    """A canonical ISO date from the truth; blank is None."""
    return dt.date.fromisoformat(text) if text else None


def years_before(day_: dt.date, years: int) -> dt.date:
    """The same date `years` earlier. The catalogue moves the year back as text, so 29 February becomes a day
    between 28 February and 1 March: as a lower bound that is 1 March."""
    try:
        return day_.replace(year=day_.year - years)
    except ValueError:
        return dt.date(day_.year - years, 3, 1)


def truth(landing: Path, table_id: str, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """The canonical rows of a table the pipeline accepts: every row written minus those with an injected ERROR."""
    records = pd.read_csv(landing / "_truth" / "records" / f"{table_id}.csv", dtype=str, keep_default_na=False)
    errors = pd.read_csv(landing / "_truth" / "errors.csv", dtype=str, keep_default_na=False)
    rejected = {(f, s, int(r)) for f, s, r, severity in
                zip(errors["file"], errors["sheet"], errors["row"], errors["severity"], strict=True)
                if severity == "ERROR"}
    keep = [(f, s, int(r)) not in rejected for f, s, r in
            zip(records["file"], records["sheet"], records["row"], strict=True)]
    kept = records[keep].copy()
    for column in dates:
        kept[column] = kept[column].map(day)
    return kept


def in_r(dates: pd.Series) -> pd.Series:
    return dates.map(lambda d: d is not None and R_AFTER < d <= E)


def in_fytd(dates: pd.Series) -> pd.Series:
    return dates.map(lambda d: d is not None and FYTD_START <= d <= E)


def open_at_e(starts: pd.Series, ends: pd.Series) -> pd.Series:
    """Started on or before E and not ended by E (end blank or after E)."""
    return pd.Series([s is not None and s <= E and (e is None or e > E) for s, e in zip(starts, ends, strict=True)],
                     index=starts.index, dtype=bool)


def percent(numerator: int, denominator: int) -> tuple[int, int, float]:
    return numerator, denominator, numerator * 100 / denominator


def per_10000(numerator: int) -> tuple[int, int, float]:
    return numerator, POPULATION, numerator * 10000 / POPULATION


def count(numerator: int, denominator: int | None = None) -> tuple[int, int | None, float]:
    return numerator, denominator, float(numerator)


# ---- the indicators, from the catalogue definitions ---------------------------------------------------------

def csc_01(landing: Path) -> Expected:
    referrals = truth(landing, "list3_referrals", ("referral_date",))
    return {"": per_10000(int(in_r(referrals["referral_date"]).sum()))}


def csc_02(landing: Path) -> Expected:
    """A referral event (a child's referrals on one day are one event) in R is a re-referral when the same child
    has a referral on an earlier day on or after the date a year before."""
    referrals = truth(landing, "list3_referrals", ("referral_date",))
    days_by_child = referrals.groupby("child_id")["referral_date"].agg(lambda s: sorted(set(s)))
    numerator = denominator = 0
    for child, date in sorted(set(zip(referrals["child_id"], referrals["referral_date"], strict=True))):
        if not (R_AFTER < date <= E):
            continue
        denominator += 1
        earlier = [d for d in days_by_child[child] if d < date]
        numerator += bool(earlier) and earlier[-1] >= years_before(date, 1)
    return {"": percent(numerator, denominator)}


def csc_03(landing: Path) -> Expected:
    referrals = truth(landing, "list3_referrals", ("referral_date",))
    recorded = referrals[in_r(referrals["referral_date"]) & referrals["referral_nfa"].isin(["Y", "N"])]
    return {"": percent(int((recorded["referral_nfa"] == "N").sum()), len(recorded))}


def cp_plans(landing: Path) -> pd.DataFrame:
    return truth(landing, "list7_child_protection", ("cpp_start_date", "cpp_end_date"))


def csc_04(landing: Path) -> Expected:
    plans = cp_plans(landing)
    on_plan = plans[open_at_e(plans["cpp_start_date"], plans["cpp_end_date"])]
    children = on_plan["child_id"].nunique()
    out = {"": count(children)}
    for category in CP_CATEGORIES:
        out[category] = percent(on_plan.loc[on_plan["initial_category"] == category, "child_id"].nunique(), children)
    return out


def csc_05(landing: Path) -> Expected:
    plans = cp_plans(landing)
    open_plans = plans[open_at_e(plans["cpp_start_date"], plans["cpp_end_date"])]
    long_running = open_plans["cpp_start_date"].map(lambda d: d <= E_MINUS_18M)
    return {"": percent(int(long_running.sum()), len(open_plans))}


def csc_06(landing: Path) -> Expected:
    """Plans (rows) starting in R; numerator: another plan of the same child ended on or before the start and on
    or after the date two years before it. Read literally, an earlier plan that started and ended on one day
    counts, and two plans of a child starting on one day are two plans; the generator makes neither case."""
    plans = cp_plans(landing).reset_index(drop=True)
    numerator = denominator = 0
    for index, plan in plans.iterrows():
        start = plan["cpp_start_date"]
        if not (R_AFTER < start <= E):
            continue
        denominator += 1
        earlier = plans[(plans["child_id"] == plan["child_id"]) & (plans.index != index)]
        numerator += any(end is not None and years_before(start, 2) <= end <= start for end in earlier["cpp_end_date"])
    return {"": percent(numerator, denominator)}


def csc_07(landing: Path) -> Expected:
    """Children with an episode open at E whose legal status is not a series of short breaks (V3, V4: DfE leaves
    them out of children looked after)."""
    looked_after = truth(landing, "list8_looked_after", ("lac_start_date", "lac_end_date"))
    counted = open_at_e(looked_after["lac_start_date"], looked_after["lac_end_date"]) \
        & ~looked_after["legal_status"].isin(["V3", "V4"])
    children = looked_after.loc[counted, "child_id"].nunique()
    return {"": count(children), "per_10000": per_10000(children)}


def lado(landing: Path) -> pd.DataFrame:
    return truth(landing, "lado_allegations", ("contact_date", "pot_meeting_date", "outcome_date"))


def lado_01(landing: Path) -> Expected:
    contacts = lado(landing)
    contacts = contacts[in_fytd(contacts["contact_date"])]
    met = contacts["pot_meeting_date"].map(lambda d: d is not None and d <= E)
    return {"": percent(int(met.sum()), len(contacts))}


def lado_02(landing: Path) -> Expected:
    contacts = lado(landing)
    contacts = contacts[in_fytd(contacts["contact_date"])]
    total = len(contacts)
    out = {"": count(total)}
    for referrer in REFERRER_TYPES:
        out[referrer] = count(int((contacts["referrer_type"] == referrer).sum()), total)
    out["types_with_none"] = count(sum(out[r][0] == 0 for r in REFERRER_TYPES), len(REFERRER_TYPES))
    return out


def lado_03(landing: Path) -> Expected:
    allegations = lado(landing)
    meetings = allegations[in_fytd(allegations["pot_meeting_date"])]

    def outcome_at_e(outcome: str, outcome_date: dt.date | None) -> str:
        concluded = outcome not in ("", "NOT_CONCLUDED") and (outcome_date is None or outcome_date <= E)
        return outcome if concluded else "NOT_CONCLUDED"

    outcomes = [outcome_at_e(o, d) for o, d in zip(meetings["outcome"], meetings["outcome_date"], strict=True)]
    out = {"": count(len(meetings))}
    for outcome in OUTCOMES:
        out[outcome] = count(outcomes.count(outcome), len(meetings))
    return out


def ma_01(landing: Path) -> Expected:
    """Children (true persons) starting a CP plan in R; numerator: a domestic abuse PPN about the same true
    person (its police person id -> the police nominal record -> the person) submitted in the 12 months up to
    and including a plan start in R."""
    plans = cp_plans(landing)
    starts = plans[in_r(plans["cpp_start_date"])]
    persons = pd.read_csv(landing / "_truth" / "persons.csv", dtype=str, keep_default_na=False)
    nominal_person = dict(zip(persons.loc[persons["source"] == "police_nominals", "record_id"],
                              persons.loc[persons["source"] == "police_nominals", "person_id"], strict=True))
    notices = truth(landing, "police_ppn", ("submitted_date",))
    notices = notices[notices["ppn_type"] == "DOMESTIC_ABUSE"]
    notice_person = notices["police_person_id"].map(nominal_person)
    assert (notice_person == notices["person_id"]).all(), "each PPN's police person is its true person"
    notice_days: dict[str, list[dt.date]] = {}
    for person, submitted in zip(notice_person, notices["submitted_date"], strict=True):
        notice_days.setdefault(person, []).append(submitted)
    with_notice = {person for person, start in zip(starts["person_id"], starts["cpp_start_date"], strict=True)
                   if any(years_before(start, 1) <= d <= start for d in notice_days.get(person, []))}
    return {"": percent(len(with_notice), starts["person_id"].nunique())}


EXACT: dict[str, Callable[[Path], Expected]] = {
    "CSC-01": csc_01, "CSC-02": csc_02, "CSC-03": csc_03, "CSC-04": csc_04, "CSC-05": csc_05, "CSC-06": csc_06,
    "CSC-07": csc_07, "LADO-01": lado_01, "LADO-02": lado_02, "LADO-03": lado_03,
}


# ---- comparison -------------------------------------------------------------------------------------------------

def published_rows(published: dict[tuple[str, str], dict], indicator: str) -> dict[str, tuple]:
    """breakdown -> (numerator, denominator, value) as published for one indicator."""
    def number(text: str) -> int | None:
        return None if text == "" else int(text)

    return {breakdown: (number(row["numerator"]), number(row["denominator"]), float(row["value"]))
            for (indicator_id, breakdown), row in published.items() if indicator_id == indicator}


def report(indicator: str, expected: Expected, published: dict[str, tuple]) -> None:
    for breakdown in sorted(set(expected) | set(published)):
        print(f"{indicator:8} {breakdown or '(headline)':17} truth {expected.get(breakdown)}  "
              f"published {published.get(breakdown)}")


@pytest.mark.parametrize("indicator", list(EXACT))
def test_indicator_matches_truth(pipeline, indicator):
    landing, published = pipeline
    expected = EXACT[indicator](landing)
    shown = published_rows(published, indicator)
    report(indicator, expected, shown)
    assert expected[""][0] > 0, "the generated quarter exercises the definition"
    assert set(shown) == set(expected), "every breakdown published is recomputed, and nothing is missing"
    for breakdown, (numerator, denominator, value) in expected.items():
        got_numerator, got_denominator, got_value = shown[breakdown]
        assert (got_numerator, got_denominator) == (numerator, denominator), (indicator, breakdown)
        assert abs(got_value - value) < 1e-9, (indicator, breakdown)


def test_ma_01(pipeline):
    """The pipeline's value equals the truth when its reconciliation found every link; otherwise it may only
    miss children (linkage recall), at most 15% of them, and never count one the truth does not."""
    landing, published = pipeline
    expected = ma_01(landing)
    shown = published_rows(published, "MA-01")
    report("MA-01", expected, shown)
    assert set(shown) == {""}
    numerator, denominator, value = expected[""]
    got_numerator, got_denominator, got_value = shown[""]
    print(f"MA-01 linkage: published numerator {got_numerator} of the truth's {numerator} "
          f"({got_numerator / numerator:.1%}); value {got_value:.4f} vs {value:.4f}")
    assert numerator > 0, "the generated quarter holds children with a prior domestic abuse PPN"
    assert got_denominator == denominator, "each child starting a plan is one reconciled person"
    if got_numerator == numerator:
        assert abs(got_value - value) < 1e-9
    else:
        assert MA_01_MIN_RECALL * numerator <= got_numerator < numerator
        assert abs(got_value - got_numerator * 100 / got_denominator) < 1e-9
