"""Pairwise precision and recall of a clustering against the truth (generated records carry their true person)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(predicted: pd.Series, truth: pd.Series) -> dict:
    """precision, recall and pair counts of `predicted` person labels against `truth` labels (same rows).

    A pair of records is predicted when both get one person, true when both are one true person; precision is the
    share of predicted pairs that are true, recall the share of true pairs that are predicted.
    """
    frame = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()})
    predicted_pairs = _pairs(frame.groupby("p").size())
    true_pairs = _pairs(frame.groupby("t").size())
    both = _pairs(frame.groupby(["p", "t"]).size())
    return {"precision": both / predicted_pairs if predicted_pairs else 1.0,
            "recall": both / true_pairs if true_pairs else 1.0,
            "predicted_pairs": predicted_pairs, "true_pairs": true_pairs, "correct_pairs": both}


def named(first_names: pd.Series) -> np.ndarray:
    """Records whose first name has two letters or more: those the model may link on its own (a blank first name or
    an initial sends a pair to a reviewer, DESIGN.md section 5)."""
    letters = first_names.astype("str").str.upper().str.replace(r"[^A-Z]", "", regex=True)
    return (letters.str.len() >= 2).fillna(False).to_numpy(dtype=bool)


def review_accepted(person_keys: pd.Series, review_pairs: list[tuple[int, int]]) -> list[int]:
    """Person labels were every pair in the review queue (record positions) accepted: what the queue can recover."""
    from transforms.people import cluster

    groups = cluster.Groups([None] * len(person_keys))
    first_of: dict[int, int] = {}
    for i, person in enumerate(pd.factorize(person_keys)[0].tolist()):
        groups.union(first_of.setdefault(person, i), i)
    for a, b in review_pairs:
        groups.union(a, b)
    return groups.labels()
