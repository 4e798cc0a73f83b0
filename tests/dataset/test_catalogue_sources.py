"""Each indicator's `sources` in sql/indicators/catalogue.toml are exactly the returns its SQL reads.

A query reads a return when, outside comments, it
- names the return's `stg_` table, or its `hst_` view (the return as seen at the period, with its history);
- names a person-bearing return's table id in quotes: that is the `source` of the core_person_link rows the
  master person index made from that return's records (transforms/people/reconcile.py), so the query reads the
  return through the index (e.g. `core_person_link i ON i.source = 'csc_child_identity'`);
- reads a working table `wrk_<name>`, filled by sql/working/<name>.sql, whose SQL reads the return.
`raw_submission` (the file registry) is a source when the query names it.

`sources` decide whether an indicator has data for a period and which submissions its lineage lists, so a return
read but not declared, or declared but not read, is a wrong answer somewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import schemas
from transforms.dataset.indicators import REGISTRY, WORKING_SQL_DIR, catalogue

STG_TABLES = {t.stg_table: t.table_id for t in schemas.TABLES}
LINK_SOURCES = {t.table_id for t in schemas.TABLES if t.person_bearing}


def code_of(sql: str) -> str:
    """The SQL without its comments (`-- ...` to the end of a line, `/* ... */`)."""
    return re.sub(r"--[^\n]*", " ", re.sub(r"/\*.*?\*/", " ", sql, flags=re.S))


def returns_read(sql: str, working_dir: Path = WORKING_SQL_DIR, filling: str = "") -> set[str]:
    """The table ids (and `raw_submission`) the SQL reads; an unknown `stg_` table is returned as named."""
    code = code_of(sql)
    read = {STG_TABLES.get(name, name) for name in re.findall(r"\bstg_\w+", code)}
    read |= {STG_TABLES.get("stg_" + name, "hst_" + name) for name in re.findall(r"\bhst_(\w+)", code)}
    read |= {name for name in re.findall(r"'(\w+)'", code) if name in LINK_SOURCES}
    if re.search(rf"\b{REGISTRY}\b", code):
        read.add(REGISTRY)
    for name in sorted(set(re.findall(r"\bwrk_(\w+)", code)) - {filling}):  # a working SQL names what it fills
        read |= returns_read((working_dir / f"{name}.sql").read_text(), working_dir, filling=name)
    return read


def mismatch(sql: str, sources: list[str] | tuple[str, ...], working_dir: Path = WORKING_SQL_DIR) -> dict:
    """What the SQL reads but `sources` leave out, and what `sources` declare but the SQL does not read."""
    read = returns_read(sql, working_dir)
    return {"read, not declared": sorted(read - set(sources)), "declared, not read": sorted(set(sources) - read)}


NO_MISMATCH = {"read, not declared": [], "declared, not read": []}


@pytest.mark.parametrize("indicator", catalogue(), ids=lambda i: i.id)
def test_sources_are_the_returns_the_sql_reads(indicator):
    assert mismatch(indicator.sql, indicator.sources) == NO_MISMATCH
    assert len(set(indicator.sources)) == len(indicator.sources), "each source once"


def test_the_check_catches_a_source_read_but_not_declared_and_one_declared_but_not_read(tmp_path):
    (tmp_path / "episodes.sql").write_text(
        "-- fills wrk_episodes; stg_lado_allegation in a comment is not read\n"
        "INSERT INTO wrk_episodes SELECT * FROM stg_police_missing WHERE period = :data_period\n")
    sql = ("-- stg_edu_cme and 'police_nominals' in a comment are not read\n"
           "SELECT '' AS breakdown, COUNT(*), NULL FROM stg_csc_referral r /* nor stg_health_referral here */\n"
           "  LEFT JOIN core_person_link i ON i.source = 'csc_child_identity' AND i.record_id = r.child_id\n"
           "  JOIN wrk_episodes e ON e.child_id = r.child_id -- stg_police_ppn\n"
           "  JOIN stg_not_a_return x ON 1 = 1\n")
    assert returns_read(sql, tmp_path) == {"list3_referrals", "csc_child_identity", "police_missing",
                                           "stg_not_a_return"}
    assert returns_read("SELECT * FROM hst_edu_cme JOIN hst_not_a_return ON 1 = 1") == {"edu_cme",
                                                                                         "hst_not_a_return"}
    declared = ["list3_referrals", "police_missing", "edu_cme"]
    assert mismatch(sql, declared, tmp_path) == {"read, not declared": ["csc_child_identity", "stg_not_a_return"],
                                                 "declared, not read": ["edu_cme"]}
    assert mismatch(sql, ["list3_referrals", "csc_child_identity", "police_missing", "stg_not_a_return"],
                    tmp_path) == NO_MISMATCH


def test_the_check_reads_the_registry_and_the_real_working_tables():
    assert returns_read("SELECT COUNT(*) FROM raw_submission WHERE period = :period") == {REGISTRY}
    assert returns_read("SELECT * FROM wrk_person_birth") == {
        "csc_child_identity", "police_nominals", "health_safeguarding", "edu_suspensions", "edu_cme",
        "vulnerability_tracker"}
