"""Reserved names: the columns a frame carries besides a contract's own, and the non-column keys of `fails_with`.

One home for each spelling. The mapper (transforms/ingest/mapping.py) writes the frame columns, the rules in
`schemas/` read them, validation (transforms/ingest/validate.py) adds PERIOD_END and reports issues against them.
They live in `schemas/` because schemas must not import transforms (transforms may import schemas).

Every name here but SOURCE_ROW starts with PREFIX, which no contract column does, so none can clash with a
column of a return. SOURCE_ROW stays with the accepted rows and is loaded as the `stg_` tables' `source_row`.
"""

PREFIX = "__"

# Columns of a mapped frame, between mapping and validation.
RAW = "__raw"  # suffix: `<column>__raw` is the value as submitted (text, NA when blank) beside the canonical column
SOURCE_ROW = "source_row"  # the Excel row number (1-based) each record was read from
UNTRUSTED = "__untrusted"  # per row, the first column whose cell held a formula or an Excel error (NA if none)
OVERLONG = "__overlong"  # per row, the first column whose cell is longer than the rules allow (NA if none)
ALTERED = "__altered"  # per row, the first column whose text was altered when read: NUL removed, bytes undecodable
PERIOD_END = "__period_end"  # the period's ISO end date, put beside the frame by validation (NA without a period)
# The reserved columns whose value names, row by row, the canonical column at fault: an issue from a rule on one
# of them is reported against the column it names (with that column's value as submitted).
NAMES_A_COLUMN = frozenset({UNTRUSTED, OVERLONG, ALTERED})

# Column of the frame the cross-return rules check (transforms/load/crosscheck.py).
IN_IDENTITY = "__in_identity"  # True where the Annex A child id is in the period's csc_child_identity return

# Keys of a Rule's `fails_with` that are not columns: instructions to the rule tests for the failing rows
# (tests/ingest/test_rules.py). Not frame columns, so spelled unlike any of them.
DUPLICATE = "__duplicate__"  # put the failing row in twice (a rule on records that appear more than once)
MARK_UNTRUSTED = "__mark_untrusted__"  # mark a cell of the failing row as a formula or an error (fills UNTRUSTED)
MARK_ALTERED = "__mark_altered__"  # mark a cell of the failing row as altered when read (fills ALTERED)
