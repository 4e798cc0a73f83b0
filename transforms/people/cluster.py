"""Records into people: union-find that refuses a merge breaking a constraint.

Links are applied strongest first. A union is refused when the two groups would then hold two different valid NHS
numbers (the veto), or when a reviewer has said that a record of one group is not the person of a record of the
other. Refusing the union, not dropping the pair, keeps the rule for every path: a chain A-B-C cannot join the A and
C a reviewer kept apart.

A softer constraint binds only the model's links: two records the model found alike in everything but a plainly
different first name (twins) are never joined through a chain of model links, such as a short form ("Mar") that fits
both twins. Rules and reviewers may still join them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


class Groups:
    """Union-find over record positions 0..n-1 with the NHS-number veto and reviewers' cannot-link pairs."""

    def __init__(self, nhs_numbers: list[object], cannot_link: Iterable[tuple[int, int]] = (),
                 model_cannot_link: Iterable[tuple[int, int]] = ()):
        self.parent = list(range(len(nhs_numbers)))
        # a group holds at most one NHS number (the veto sees to it), so the number itself stands for the group's set
        self.nhs: dict[int, str] = {i: n for i, n in enumerate(nhs_numbers) if isinstance(n, str)}
        self.apart = _pairs_by_record(cannot_link)
        self.model_apart = _pairs_by_record(model_cannot_link)
        self.vetoed = 0

    def find(self, i: int) -> int:
        """The representative of i's group (path halving keeps the trees flat)."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def allowed(self, a: int, b: int) -> bool:
        """True when the groups of a and b may become one person."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        na, nb = self.nhs.get(ra), self.nhs.get(rb)
        if na and nb and na != nb:
            return False  # veto: different valid NHS numbers are different people
        return not self._kept_apart(self.apart, ra, rb)

    def _kept_apart(self, apart: dict[int, set[int]], ra: int, rb: int) -> bool:
        return any(self.find(x) == rb for x in apart.get(ra, ())) or any(self.find(x) == ra for x in apart.get(rb, ()))

    def union(self, a: int, b: int, model: bool = False) -> bool:
        """Join the groups of a and b unless a constraint forbids it; True when they are (now) one group.

        `model`: the link is the model's, so the model's own constraints (twins) bind it too."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not self.allowed(ra, rb) or (model and self._kept_apart(self.model_apart, ra, rb)):
            self.vetoed += 1
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if rb in self.nhs:
            self.nhs.setdefault(ra, self.nhs.pop(rb))
        for apart in (self.apart, self.model_apart):
            if rb in apart:
                apart.setdefault(ra, set()).update(apart.pop(rb))
        return True

    def labels(self) -> list[int]:
        """Each position's group representative (the smallest position in the group)."""
        return [self.find(i) for i in range(len(self.parent))]


def _pairs_by_record(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for a, b in pairs:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def components(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Each position's connected component over the edges (left[i], right[i]), named by its smallest position.

    Vectorised: every round each position takes the smallest label of its neighbours, then labels are followed to
    their own label (pointer jumping), until nothing changes; a person's records are a few links apart, so a
    handful of rounds settle a million records.
    """
    label = np.arange(size, dtype=np.int64)
    if len(left) == 0:
        return label
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    while True:
        smaller = np.minimum(label[left], label[right])
        before = label.copy()
        np.minimum.at(label, left, smaller)
        np.minimum.at(label, right, smaller)
        while True:  # follow each label to the label it has now: chains collapse in a few steps
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, before):
            return label


def group(nhs_numbers: list[object], joined: tuple[np.ndarray, np.ndarray],
          candidates: tuple[np.ndarray, np.ndarray, np.ndarray],
          cannot_link: tuple[np.ndarray, np.ndarray], model_cannot_link: tuple[np.ndarray, np.ndarray],
          ) -> tuple[np.ndarray, np.ndarray, int]:
    """Records into people, as `Groups` would: labels (each group's smallest position), which candidates were kept,
    and how many were refused.

    `joined` are unions made first and in order (records the index already holds as one person), then `candidates`
    (left, right, is a model link) in order, strongest first. A union is only ever refused inside a connected
    component (of all those links) that holds two different NHS numbers or both records of a cannot-link pair;
    every other component is one person whatever the order, so only the few that hold a conflict go through
    `Groups` one link at a time, and the rest are settled in one vectorised pass.
    """
    size = len(nhs_numbers)
    joined_l, joined_r = (np.asarray(side, dtype=np.int64) for side in joined)
    cand_l, cand_r, cand_model = (np.asarray(side) for side in candidates)
    cand_l, cand_r = cand_l.astype(np.int64), cand_r.astype(np.int64)
    component = components(size, np.concatenate([joined_l, cand_l]), np.concatenate([joined_r, cand_r]))

    conflicted = np.zeros(size, dtype=bool)
    nhs = pd.Series(nhs_numbers, dtype=object)
    held = nhs.notna().to_numpy()
    if held.any():
        distinct = pd.DataFrame({"component": component[held], "nhs": nhs[held].to_numpy()}) \
            .groupby("component")["nhs"].nunique()
        conflicted[distinct.index[distinct.to_numpy() > 1]] = True
    for left, right in (cannot_link, model_cannot_link):
        left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
        together = component[left] == component[right]
        conflicted[component[left[together]]] = True

    label = component
    kept = np.ones(len(cand_l), dtype=bool)
    vetoed = 0
    if conflicted.any():
        # the conflicted components one link at a time, on their own records (positions kept in order, so each
        # group's smallest local position is its smallest position)
        members = np.flatnonzero(conflicted[component])
        local = np.full(size, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        inside = lambda left, right: (local[left] >= 0) & (local[right] >= 0)  # noqa: E731
        pairs = [(local[left[inside(left, right)]].tolist(), local[right[inside(left, right)]].tolist())
                 for left, right in (tuple(np.asarray(s, dtype=np.int64) for s in pair)
                                     for pair in (cannot_link, model_cannot_link))]
        groups = Groups([nhs_numbers[m] for m in members.tolist()], zip(*pairs[0], strict=True),
                        zip(*pairs[1], strict=True))
        for a, b in zip(local[joined_l[inside(joined_l, joined_r)]].tolist(),
                        local[joined_r[inside(joined_l, joined_r)]].tolist(), strict=True):
            groups.union(a, b)
        chosen = np.flatnonzero(inside(cand_l, cand_r))
        kept[chosen] = [groups.union(a, b, bool(m)) for a, b, m in zip(
            local[cand_l[chosen]].tolist(), local[cand_r[chosen]].tolist(), cand_model[chosen].tolist(),
            strict=True)]
        label = component.copy()
        label[members] = members[np.array(groups.labels(), dtype=np.int64)]
        vetoed = groups.vetoed
    return label, kept, vetoed
