"""Event helpers shared by the agencies: chains of repeat contacts and which children an event concerns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.generate.calendar import add_years_days


def chains(rng: np.random.Generator, first_days: np.ndarray, steps: tuple[tuple[float, int, int], ...],
           last_day: int, max_rounds: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Repeat events per owner: from each first day, follow-ups drawn round by round until none or past `last_day`.

    `steps` lists (probability, min gap days, max gap days); after each event one step is taken with its
    probability, or the chain stops. Returns (owner index, day) for every event, sorted by owner then day.
    """
    owners = [np.arange(len(first_days))]
    days = [np.asarray(first_days, dtype=np.int64)]
    live_owner, live_day = owners[0], days[0]
    probs = np.array([p for p, _, _ in steps])
    cum = np.cumsum(probs)
    for _ in range(max_rounds):
        if live_owner.size == 0:
            break
        u = rng.random(live_owner.size)
        step = np.searchsorted(cum, u, side="right")  # == len(steps) means stop
        go = step < len(steps)
        lo = np.array([s[1] for s in steps] + [0])[step]
        hi = np.array([s[2] for s in steps] + [1])[step]
        gap = rng.integers(lo, hi + 1)
        nxt = live_day + gap
        go &= nxt <= last_day
        live_owner, live_day = live_owner[go], nxt[go]
        owners.append(live_owner)
        days.append(live_day)
    owner = np.concatenate(owners)
    day = np.concatenate(days)
    order = np.lexsort((day, owner))
    return owner[order], day[order]


def pick_children(rng: np.random.Generator, events: pd.DataFrame, children: pd.DataFrame, p_all: float,
                  max_age_days: int | None = None) -> pd.DataFrame:
    """The children each household event concerns: all children aged 0-17 that day (share `p_all`) or one of them.

    `events` has columns event, household, day; `children` has person_id, household, dob. A child is eligible
    when born before the day and under 18 on it (or younger than `max_age_days` when given). Returns one row
    per (event, child) with the event's columns plus person_id and dob.
    """
    joined = events.merge(children[["person_id", "household", "dob"]], on="household")
    day = joined["day"].to_numpy()
    dob = joined["dob"].to_numpy()
    eligible = (dob < day) & (day < add_years_days(dob, 18))
    if max_age_days is not None:
        eligible &= day - dob < max_age_days
    joined = joined[eligible].reset_index(drop=True)
    all_children = pd.Series(rng.random(len(events)) < p_all, index=events["event"].to_numpy())
    joined["_all"] = all_children.reindex(joined["event"]).to_numpy()
    joined["_key"] = rng.random(len(joined))
    # for "one child" events keep the eligible child with the highest random key
    best = joined.groupby("event")["_key"].transform("max")
    keep = joined["_all"] | (joined["_key"] == best)
    return joined[keep].drop(columns=["_all", "_key"]).reset_index(drop=True)


def sample_eligible(rng: np.random.Generator, dob: np.ndarray, days: np.ndarray, min_years: float, max_years: int,
                    weight=None, tries: int = 16) -> np.ndarray:
    """For each event day, the index of a random person aged [min_years, max_years) that day; -1 if none found.

    Candidates are drawn `tries` at a time per event and the first eligible one wins (rejection sampling,
    vectorised). `weight(age_in_years) -> acceptance probability` skews the ages picked.
    """
    n = len(days)
    if n == 0 or len(dob) == 0:
        return np.full(n, -1, dtype=np.int64)
    cand = rng.integers(len(dob), size=(n, tries))
    born = dob[cand]
    day = np.repeat(np.asarray(days, dtype=np.int64)[:, None], tries, axis=1)
    lower = add_years_days(born.ravel(), 0).reshape(born.shape) + int(min_years * 365.25)
    upper = add_years_days(born.ravel(), max_years).reshape(born.shape)
    ok = (day >= lower) & (day < upper) & (born < day)
    if weight is not None:
        ok &= rng.random(ok.shape) < weight((day - born) / 365.25)
    first = ok.argmax(axis=1)
    picked = cand[np.arange(n), first]
    return np.where(ok.any(axis=1), picked, -1)


def merge_intervals(person: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Group number of each interval after merging overlapping intervals of the same person.

    Rows must be sorted by person then start. An interval joins the previous group when it starts on or before
    the latest end seen so far for that person.
    """
    n = len(person)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame({"person": person, "end": end})
    running = frame.groupby("person", sort=False)["end"].cummax().to_numpy()
    previous = np.empty(n, dtype=np.int64)
    previous[0] = np.iinfo(np.int64).min
    previous[1:] = running[:-1]
    new_person = np.ones(n, dtype=bool)
    new_person[1:] = person[1:] != person[:-1]
    new_group = new_person | (start > previous)
    return np.cumsum(new_group) - 1


def keep_first_per_overlap(person: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Rows (sorted by person, start) kept so that no kept interval starts before the person's previous kept one ends.

    Vectorised by rounds: drop every row overlapping the running end of the rows kept so far, until stable.
    """
    keep = np.ones(len(person), dtype=bool)
    while True:
        frame = pd.DataFrame({"person": person, "end": np.where(keep, end, np.iinfo(np.int64).min)})
        running = frame.groupby("person", sort=False)["end"].cummax().to_numpy()
        previous = np.full(len(person), np.iinfo(np.int64).min, dtype=np.int64)
        same = np.zeros(len(person), dtype=bool)
        same[1:] = person[1:] == person[:-1]
        previous[1:] = running[:-1]
        previous[~same] = np.iinfo(np.int64).min
        drop = keep & (start <= previous)
        if not drop.any():
            return keep
        # drop only the first clash per person this round; later rows may be freed by it
        first_clash = drop & ~pd.Series(drop).groupby(person).cumsum().gt(1).to_numpy()
        keep &= ~first_clash


def member(values, pool) -> np.ndarray:
    """Which `values` occur in `pool`: integers directly, ids by 64-bit hashes (pandas' `isin` on Arrow-backed
    strings converts every pool element in Python, which at regional scale costs seconds per call)."""
    left, right = np.asarray(values), np.asarray(pool)
    if left.dtype.kind in "iu" and right.dtype.kind in "iu":
        return np.isin(left, right)
    return np.isin(pd.util.hash_array(left.astype(object)), pd.util.hash_array(right.astype(object)))
