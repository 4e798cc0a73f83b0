"""The partnership dataset (DESIGN.md section 6): the indicator catalogue and its SQL in `sql/`, financial
quarters and their windows, and the computation of every indicator for a period into `fct_indicator_value`.
"""

from transforms.dataset.frames import grouped, records
from transforms.dataset.indicators import (
    REGISTRY,
    areas,
    catalogue,
    catalogue_markdown,
    comparator_details,
    compute_indicators,
)
from transforms.dataset.labels import breakdown_label, display_value
from transforms.dataset.periods import (
    due_date,
    is_working_day,
    parse_period,
    period_end,
    previous_period,
    reporting_period,
    shift_months,
)
from transforms.dataset.population import read_ons, write_reference

__all__ = ["REGISTRY", "areas", "breakdown_label", "catalogue", "catalogue_markdown", "commentary",
           "comparator_details", "compute_indicators", "display_value", "due_date", "grouped", "is_working_day",
           "parse_period", "period_end", "previous_period", "read_ons", "records", "reporting_period",
           "shift_months", "write_reference"]
