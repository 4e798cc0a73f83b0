"""The analyst's workbench (DESIGN.md section 8): the data behind the submissions board, match review, the value map
and lineage, and the pages that show them. The Airflow plugin only routes requests here; the command line
(`assure review`, `assure values`) calls the same functions."""

from transforms.workbench import board, lineage, matches, pages, values

__all__ = ["board", "lineage", "matches", "pages", "values"]
