"""`training_attendance`: multi-agency training attendance by course and agency."""

from schemas.common import altered_text, in_reporting_window, long_cells, long_id, untrusted_cells
from schemas.contract import DATE, ID, INT, TEXT, Column, TableContract
from schemas.reserved import DUPLICATE
from schemas.rules import ERROR, QUERY, Rule, raw, required, valid_date

RETURN_ID = "training_attendance"

ATTENDANCE = TableContract(
    return_id=RETURN_ID,
    table_id=RETURN_ID,
    agency="partnership",
    title="Training attendance",
    stg_table="stg_training_attendance",
    record_id="course_id",
    columns=(
        Column("course_id", ID, True, ("Course ID", "Course Ref", "Session ID")),
        Column("module", TEXT, True, ("Module", "Course", "Course Title")),
        Column("course_date", DATE, True, ("Course Date", "Date", "Session Date")),
        # `agency` in the warehouse is who sent the return; this is the agency the attendees work for
        Column("attendee_agency", TEXT, True, ("Agency", "Organisation", "Attendee Agency")),
        Column("attendees", INT, True, ("Attendees", "Number Attended", "Attendance")),
    ),
    rules=(
        required("TRN-001", "course_id", "Course ID"),
        required("TRN-002Q", "module", "Module"),
        required("TRN-003", "course_date", "Course date"),
        valid_date("TRN-004", "course_date", "Course date"),
        required("TRN-005Q", "attendee_agency", "Agency"),
        required("TRN-006Q", "attendees", "Attendees"),
        Rule("TRN-007Q", QUERY, "Attendees must be a whole number, 0 or more. The row was loaded with Attendees "
             "left blank.", ("attendees",),
             lambda df: raw(df, "attendees").isna()
             | (df["attendees"].notna() & ~df["attendees"].str.startswith("-").fillna(False)),
             fails_with={"attendees": "-2"}, blanks=("attendees",)),
        # a row is one course and one agency: the course and agency together are the record's id
        Rule("TRN-008", ERROR, "The same course and agency appear on more than one row. Add the attendees "
             "together on one row.", ("course_id", "attendee_agency"),
             lambda df: df["course_id"].isna() | ~df.duplicated(["course_id", "attendee_agency"], keep=False),
             fails_with={DUPLICATE: True}),
        untrusted_cells("TRN-090Q"),
        altered_text("TRN-094Q"),
        long_cells("TRN-092Q", "module"),
        long_id("TRN-093", "course_id", "Course ID"),
        in_reporting_window("TRN-091Q", "course_date", "Course date"),
    ),
)

TABLES = (ATTENDANCE,)
