"""Every rule has a passing row and a failing row.

The passing row is built from each table's contract (a valid value per column); the failing row changes only
the cells the rule declares in `fails_with`, so the rule's own declaration is what is tested.
"""

import pandas as pd
import pytest

import schemas
from schemas.contract import CODE, DATE, DATETIME, INT, NHS, POSTCODE, UPN, YESNO, TableContract
from schemas.reserved import ALTERED, DUPLICATE, MARK_ALTERED, MARK_UNTRUSTED, PERIOD_END, PREFIX, UNTRUSTED
from schemas.rules import failing_rows
from transforms.ingest.mapping import map_values

EXAMPLE_BY_KIND = {DATE: "01/06/2026", DATETIME: "01/06/2026 10:30", INT: "3", NHS: "943 476 5919",
                   UPN: "X334341915144", POSTCODE: "b91 3qs", YESNO: "Y"}


def valid_row(contract: TableContract) -> dict:
    row = {}
    for column in contract.columns:
        if column.example is not None:
            row[column.name] = column.example or None
        elif column.name == "date_of_birth":
            row[column.name] = "01/01/2015"
        elif column.kind == CODE:
            row[column.name] = next(iter(column.codes))
        else:
            row[column.name] = EXAMPLE_BY_KIND.get(column.kind, "R1")
    return row


def frame_of(contract: TableContract, rows: list[dict], untrusted: str | None = None,
             altered: str | None = None) -> pd.DataFrame:
    raw = pd.DataFrame(rows, dtype="object")
    frame = map_values(raw, contract)
    frame[UNTRUSTED] = pd.Series(untrusted, index=frame.index, dtype="str")
    frame[ALTERED] = pd.Series(altered, index=frame.index, dtype="str")
    frame[PERIOD_END] = "2026-09-30"
    return frame


def fails(contract: TableContract, rule, frame: pd.DataFrame) -> bool:
    return rule.rule_id in set(failing_rows(frame, (rule,), contract.table_id)["rule_id"])


CASES = [pytest.param(contract, rule, id=rule.rule_id) for contract, rule in schemas.all_rules()]


@pytest.mark.parametrize(("contract", "rule"), CASES)
def test_rule_passes_a_valid_row_and_fails_its_declared_bad_row(contract, rule):
    good = valid_row(contract)
    assert not fails(contract, rule, frame_of(contract, [good])), "the valid row must pass"
    assert rule.fails_with, "every rule declares the cells that make it fail"
    bad = {**good, **{k: v for k, v in rule.fails_with.items() if not k.startswith(PREFIX)}}
    rows = [bad, bad] if rule.fails_with.get(DUPLICATE) else [bad]
    untrusted = contract.columns[0].name if rule.fails_with.get(MARK_UNTRUSTED) else None
    altered = contract.columns[0].name if rule.fails_with.get(MARK_ALTERED) else None
    frame = frame_of(contract, rows, untrusted, altered)
    assert fails(contract, rule, frame), f"{rule.rule_id} should fail on {rule.fails_with}"


def test_rule_ids_are_unique_and_well_formed():
    ids = [rule.rule_id for _, rule in schemas.all_rules()]
    assert len(ids) == len(set(ids))
    for contract, rule in schemas.all_rules():
        assert rule.rule_id.endswith("Q") == (rule.severity == "QUERY"), rule.rule_id
        assert all(c in {col.name for col in contract.columns} or c.startswith(PREFIX) for c in rule.columns)


def test_a_rule_that_cannot_run_is_an_error_not_a_silent_pass():
    """pandera reports a check that raised without rows: read as "no failures" it would accept every row."""
    from schemas.rules import QUERY, Rule, failing_rows

    def broken(df):
        raise ValueError("boom")

    with pytest.raises(RuntimeError, match="X-001Q failed to run"):
        failing_rows(pd.DataFrame({"a": ["1", "2"]}), [Rule("X-001Q", QUERY, "m", ("a",), broken)], "t")
