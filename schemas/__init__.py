"""Return contracts and validation rules, one module per return. No Airflow here (a test enforces it)."""

from schemas import (
    csc_annex_a,
    csc_child_identity,
    csc_return_interviews,
    edu_cme,
    edu_suspensions,
    health_cdop,
    health_safeguarding,
    lado_allegations,
    police_missing,
    police_nominals,
    police_ppn,
    training_attendance,
    vulnerability_tracker,
)
from schemas.contract import TableContract

RETURN_MODULES = (csc_annex_a, csc_child_identity, csc_return_interviews, police_nominals, police_ppn, police_missing,
                  health_safeguarding, health_cdop, edu_suspensions, edu_cme, lado_allegations, vulnerability_tracker,
                  training_attendance)

TABLES: tuple[TableContract, ...] = tuple(t for module in RETURN_MODULES for t in module.TABLES)

AGENCIES = ("csc", "police", "health", "education", "lado", "partnership")


def table(table_id: str) -> TableContract:
    """The contract of table `table_id`."""
    for contract in TABLES:
        if contract.table_id == table_id:
            return contract
    raise KeyError(table_id)


def all_rules():
    """Every rule with the table it belongs to, in catalogue order."""
    return [(contract, rule) for contract in TABLES for rule in contract.rules]
