"""People: person records from every return -> the master person index (DESIGN.md section 5).

`reconcile` runs it on the warehouse each period; `link_file` on any person file (`assure link`); `decide` stores a
reviewer's decision on two records (`assure decide`). The engine:
standardise, deterministic rules, the Splink model frozen in `model.json`, clusters and stable person keys.
"""

from transforms.people.decisions import decide, undo
from transforms.people.link import link_file
from transforms.people.reconcile import Prepared, prepare, reconcile
from transforms.people.standardise import standardise

__all__ = ["Prepared", "decide", "link_file", "prepare", "reconcile", "standardise", "undo"]
