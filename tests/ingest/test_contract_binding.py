"""A known_code rule takes its codes from its column; reserved frame names cannot clash with a contract's columns."""

import pytest

import schemas
from schemas.contract import CODE, ID, Column, TableContract
from schemas.reserved import PREFIX
from schemas.rules import known_code


def test_every_known_code_rule_lists_its_columns_codes():
    rules = [(c, r) for c, r in schemas.all_rules() if " is not one of the allowed values" in r.message]
    assert len(rules) >= 40
    for contract, rule in rules:
        codes = ", ".join(contract.column(rule.column).codes)
        assert f" is not one of the allowed values ({codes}), " in rule.message, rule.rule_id
        assert rule.severity == "QUERY" and rule.blanks == (rule.column,), rule.rule_id
        assert rule.bind is None, "a contract keeps the bound rule"


def contract_with(*columns: Column, rules=()) -> TableContract:
    return TableContract(return_id="t", table_id="t", agency="csc", title="T", stg_table="stg_t", record_id="id",
                         columns=(Column("id", ID, True), *columns), rules=rules)


def test_the_contract_fills_in_the_codes_of_the_column():
    rule = known_code("T-001Q", "colour", "Colour")
    assert rule.bind is not None
    bound = contract_with(Column("colour", CODE, codes={"R": ("Red",), "G": ("Green",)}), rules=(rule,)).rules[0]
    assert bound.message == ("Colour is not one of the allowed values (R, G), so the row was loaded with it left "
                             "blank. Pick a value from the list.")
    assert (bound.rule_id, bound.severity, bound.columns, bound.fails_with, bound.blanks) == (
        "T-001Q", "QUERY", ("colour",), {"colour": "NOT-A-CODE"}, ("colour",))


def test_known_code_on_a_column_without_codes_is_refused():
    with pytest.raises(ValueError, match="no code list"):
        contract_with(Column("colour", CODE), rules=(known_code("T-001Q", "colour", "Colour"),))
    with pytest.raises(KeyError):
        contract_with(rules=(known_code("T-001Q", "colour", "Colour"),))


def test_no_contract_column_starts_with_the_reserved_prefix():
    assert not [c.name for t in schemas.TABLES for c in t.columns if c.name.startswith(PREFIX)]
