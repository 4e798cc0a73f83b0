"""Pairwise precision and recall of a clustering against the truth (generated records carry their true person)."""

from __future__ import annotations

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
