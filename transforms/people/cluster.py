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
