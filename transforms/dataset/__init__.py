"""The partnership dataset (DESIGN.md section 6): the indicator catalogue and its SQL in `sql/`, financial
quarters and their windows, and the computation of every indicator for a period into `fct_indicator_value`.
"""

from transforms.dataset.indicators import (
    areas,
    catalogue,
    comparator_details,
    compute_indicators,
)
from transforms.dataset.periods import (
    due_date,
    parse_period,
    period_end,
    previous_period,
    reporting_period,
    shift_months,
)

__all__ = ["areas", "catalogue", "comparator_details", "compute_indicators", "due_date",
           "parse_period", "period_end", "previous_period", "reporting_period", "shift_months"]
