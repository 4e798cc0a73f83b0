"""Pre-birth work loads and counts (DESIGN.md section 4): a referral and a plan for an unborn child (a date of birth
up to 10 months after the event, or Annex A Age -1 / Unborn) and a maternity referral without a date of birth are
counted by the indicators like any other child's."""

import datetime as dt

from tests.conftest import write_xlsx
from tests.police_files import rows_of
from transforms.pipeline import run

PERIOD = "2026-09"
CHILD = ["Child Unique ID", "Gender", "Date of Birth", "Age"]


def test_unborn_children_and_maternity_referrals_are_loaded_and_counted(tmp_path, sqlite_url):
    landing = tmp_path / "landing"
    write_xlsx(landing / "csc" / "annex_a.xlsx", {
        "List 3": [[*CHILD, "Date of Referral", "Referral Source"],
                   ["U1", "U", dt.datetime(2026, 10, 20), -1, dt.datetime(2026, 8, 1), "3B"],  # due in October
                   ["U2", "", None, "Unborn", dt.datetime(2026, 8, 2), "Health Visitor"],
                   ["C1", "F", dt.datetime(2019, 1, 1), 7, dt.datetime(2026, 8, 3), "6"]],
        "List 7": [[*CHILD, "Child Protection Plan Start Date", "Initial Category of Abuse"],
                   ["U1", "U", dt.datetime(2026, 10, 20), -1, dt.datetime(2026, 8, 20), "Neglect"],
                   ["C1", "F", dt.datetime(2019, 1, 1), 7, dt.datetime(2026, 8, 21), "NEG"]],
    })
    write_xlsx(landing / "health" / "referrals.xlsx", {"Referrals": [
        ["Referral ID", "First Name", "Last Name", "Date of Birth", "Provider Type", "Referral Date", "Concern"],
        ["H1", "Baby", "Ashdown", None, "Maternity", dt.datetime(2026, 8, 4), "Domestic abuse"],  # not yet born
        ["H2", "Baby", "Kettle", dt.datetime(2026, 11, 30), "Maternity", dt.datetime(2026, 8, 5), "Neglect"],
        ["H3", "Amy", "Smith", dt.datetime(2020, 2, 2), "GP", dt.datetime(2026, 8, 6), "Neglect"]]})
    summary = run(str(landing), PERIOD, str(tmp_path / "out"), sqlite_url, progress=lambda line: None)
    assert summary.totals()["rows_rejected"] == 0
    issues = rows_of(sqlite_url, "dq_issue")
    assert issues.empty or not issues["record_id"].isin(["U1", "U2", "H1", "H2"]).any(), issues.to_dict("records")

    values = rows_of(sqlite_url, "fct_indicator_value")
    value = values.set_index(["indicator_id", "breakdown"])["numerator"]
    assert value[("HLT-01", "")] == 3 and value[("HLT-01", "MATERNITY")] == 2
    assert value[("CSC-01", "")] == 3  # the unborn children's referrals too
    assert value[("CSC-04", "")] == 2 and value[("CSC-04", "NEG")] == 2  # both plans, the unborn child's too
    assert value[("NEG-02", "")] == 2
    referrals = rows_of(sqlite_url, "stg_csc_referral")
    assert sorted(referrals["child_id"]) == ["C1", "U1", "U2"]
