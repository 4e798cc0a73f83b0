"""`health_cdop`: child death overview panel cases (case level, no names)."""

from schemas import codes
from schemas.common import altered_text, long_cells, long_id, untrusted_cells
from schemas.contract import CODE, DATE, ID, TEXT, YESNO, Column, TableContract
from schemas.rules import QUERY, Rule, add_years, known_code, not_before, required, unique_id, valid_date

RETURN_ID = "health_cdop"

CATEGORIES = {
    "1": ("Deliberately inflicted injury, abuse or neglect",), "2": ("Suicide or deliberate self-inflicted harm",),
    "3": ("Trauma and other external factors, including medical/surgical complications/error",
          "Trauma and other external factors"), "4": ("Malignancy",), "5": ("Acute medical or surgical condition",),
    "6": ("Chronic medical condition",), "7": ("Chromosomal, genetic and congenital anomalies",),
    "8": ("Perinatal/neonatal event",), "9": ("Infection",), "10": ("Sudden unexpected, unexplained death",),
}

CASES = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="health",
    title="Child death reviews",
    stg_table="stg_health_cdop",
    record_id="case_id",
    columns=(
        Column("case_id", ID, True, ("Case ID", "CDOP Case ID", "Case Reference")),
        Column("date_of_birth", DATE, True, ("Date of Birth", "DOB", "D.O.B")),
        Column("date_of_death", DATE, True, ("Date of Death", "DOD")),
        Column("residence_la", TEXT, True, ("Residence LA", "Local Authority of Residence", "LA of Residence")),
        Column("review_date", DATE, False, ("Review Date", "Panel Review Date", "Date Reviewed")),
        Column("category", CODE, False, ("Category", "Category of Death", "CDOP Category"), CATEGORIES),
        Column("modifiable_factors", CODE, False, ("Modifiable Factors", "Modifiable Factors Identified"),
               codes.YES_NO_UNKNOWN),
        Column("learning_identified", YESNO, False, ("Learning Identified",), codes.YES_NO),
        Column("joint_agency_response", YESNO, False, ("Joint Agency Response", "JAR"), codes.YES_NO),
    ),
    rules=(
        required("CDOP-001", "case_id", "Case ID"),
        unique_id("CDOP-002", "case_id", "Case ID"),
        required("CDOP-003Q", "date_of_birth", "Date of birth"),
        valid_date("CDOP-004Q", "date_of_birth", "Date of birth"),
        required("CDOP-005", "date_of_death", "Date of death"),
        valid_date("CDOP-006", "date_of_death", "Date of death"),
        required("CDOP-007Q", "residence_la", "Residence LA"),
        valid_date("CDOP-008Q", "review_date", "Review date"),
        # the date of death is the event the return counts by, so the date of birth is the cell blanked; no unborn
        # allowance: child death reviews cover children born alive
        Rule("CDOP-009Q", QUERY, "The date of death is before the date of birth. The row was loaded with the date of "
             "birth left blank; check both dates.", ("date_of_birth", "date_of_death"),
             lambda df: df["date_of_birth"].isna() | df["date_of_death"].isna()
             | (df["date_of_death"] >= df["date_of_birth"]),
             fails_with={"date_of_death": "01/01/2000"}, blanks=("date_of_birth",)),
        not_before("CDOP-010Q", "review_date", "date_of_death",
                   "The review is dated before the death. The row was loaded with the review date left blank; check "
                   "both dates."),
        known_code("CDOP-011Q", "category", "Category"),
        known_code("CDOP-012Q", "modifiable_factors", "Modifiable factors"),
        known_code("CDOP-013Q", "learning_identified", "Learning identified"),
        known_code("CDOP-014Q", "joint_agency_response", "Joint agency response"),
        Rule("CDOP-015Q", QUERY, "The date of death is on or after the 18th birthday: child death reviews cover "
             "children. Check the dates.", ("date_of_death", "date_of_birth"),
             lambda df: df["date_of_birth"].isna() | df["date_of_death"].isna()
             | (df["date_of_death"] < add_years(df["date_of_birth"], 18)),
             fails_with={"date_of_birth": "01/01/1990"}),
        untrusted_cells("CDOP-090Q"),
        altered_text("CDOP-094Q"),
        long_cells("CDOP-092Q", "residence_la"),
        long_id("CDOP-093", "case_id", "Case ID"),
    ),
)

TABLES = (CASES,)
