"""Person columns shared by every person-bearing return, and checks on them."""

import pandas as pd

from schemas import codes
from schemas.contract import CODE, DATE, NHS, POSTCODE, TEXT, UPN, Column
from schemas.rules import submitted


def person_columns(first_required: bool, dob_required: bool = False) -> tuple[Column, ...]:
    """first_name, last_name, date_of_birth, sex, postcode, nhs_number, upn with the aliases agencies use."""
    return (
        Column("first_name", TEXT, first_required, ("First Name", "Forename", "Given Name", "Firstname")),
        Column("last_name", TEXT, first_required, ("Last Name", "Surname", "Family Name", "Lastname")),
        Column("date_of_birth", DATE, dob_required, ("Date of Birth", "DOB", "D.O.B", "Birth Date")),
        Column("sex", CODE, False, ("Sex", "Gender"), codes.SEX),
        Column("postcode", POSTCODE, False, ("Postcode", "Post Code", "Home Postcode")),
        Column("nhs_number", NHS, False, ("NHS Number", "NHS No", "NHS")),
        Column("upn", UPN, False, ("UPN", "Unique Pupil Number", "Pupil UPN")),
    )


def nhs_number_valid(df: pd.DataFrame) -> pd.Series:
    """Passes where no NHS number was given or the given one passes the modulus-11 check (mapper sets NA if not)."""
    return ~submitted(df, "nhs_number") | df["nhs_number"].notna()
