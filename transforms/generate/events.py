"""Event helpers shared by the agencies: chains of repeat contacts and which children an event concerns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.generate.calendar import add_years_days


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
