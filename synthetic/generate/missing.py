"""Children reported missing to the police (police_missing) and the return home interviews after them.

A child who goes missing once often goes again: each "missing career" is a chain of episodes, a few children
account for many. Looked-after teenagers are over-represented, then children known to social care or the
police, then others. Times are minutes since 1970-01-01 (int64). Social care offers a return interview after
most episodes of the children it knows, usually within 72 hours (csc_return_interviews).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas import police_missing
from synthetic.generate.calendar import NA_DAY, add_years_days, month_of, year_of
from synthetic.generate.events import chains, member, sample_eligible

MINUTES = 1440
P_IN_CARE = 0.35  # care episodes of children aged 11+ that include a missing career
P_REFERRED = 0.06  # referrals of children aged 11-17 followed by one
P_POLICE_CHILD = 0.10
OTHERS_PER_YEAR = 130  # children not otherwise known who start going missing, per year at scale 1
STEPS = ((0.50, 1, 30), (0.12, 31, 150))  # next episode within a month, or months later; else it stops
# hour of day the child was last seen: mostly afternoon and evening
HOUR_WEIGHTS = np.array([3, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7, 8, 9, 9, 9, 8, 7, 5, 4], dtype=float)
RISK_WEIGHTS = {"NO_APPARENT": 0.10, "LOW": 0.34, "MEDIUM": 0.44, "HIGH": 0.08, "": 0.04}
P_RETURN_NOT_KEYED = 0.02
# days from return to the interview being offered (None: never offered); ~80% within 72 hours
OFFER_LAGS = ((0, 0.40), (1, 0.25), (2, 0.15), (3, 0.04), (4, 0.03), (6, 0.03), (9, 0.02), (None, 0.08))
P_COMPLETED = 0.68
P_REF_GIVEN = 0.75  # interviews that quote the police report id

assert {k for k in RISK_WEIGHTS if k} == set(police_missing.RISK_GRADINGS)


def episodes(rng: np.random.Generator, care: pd.DataFrame, refs: pd.DataFrame, police_children: pd.DataFrame,
             pool: pd.DataFrame, first_day: int, last_day: int, scale: float) -> pd.DataFrame:
    """Every missing episode from `first_day`: person_id, dob, missing_from and returned_at (minutes), risk."""
    starts = []
    # looked-after teenagers
    lo = np.maximum.reduce([care["start"].to_numpy(), add_years_days(care["dob"].to_numpy(), 11),
                            np.full(len(care), first_day - 365)])
    hi = np.minimum.reduce([care["end"].to_numpy(), np.full(len(care), last_day),
                            add_years_days(care["dob"].to_numpy(), 18) - 1])
    pick = (lo <= hi) & (rng.random(len(care)) < P_IN_CARE)
    starts.append(pd.DataFrame({"person_id": care["person_id"].to_numpy()[pick], "dob": care["dob"].to_numpy()[pick],
                                "day": lo[pick] + (rng.random(int(pick.sum())) * (hi - lo)[pick]).astype(np.int64)}))
    # referred teenagers, around their referral
    age = (refs["referral_day"] - refs["dob"]).to_numpy() / 365.25
    pick = (age >= 11) & (rng.random(len(refs)) < P_REFERRED)
    r = refs[pick]
    starts.append(pd.DataFrame({"person_id": r["person_id"].to_numpy(), "dob": r["dob"].to_numpy(),
                                "day": r["referral_day"].to_numpy() + rng.integers(-120, 301, len(r))}))
    # children of families known to the police
    pc = police_children[rng.random(len(police_children)) < P_POLICE_CHILD]
    lo = np.maximum(add_years_days(pc["dob"].to_numpy(), 11), first_day - 365)
    hi = np.minimum(add_years_days(pc["dob"].to_numpy(), 18) - 1, last_day)
    ok = lo <= hi
    starts.append(pd.DataFrame({"person_id": pc["person_id"].to_numpy()[ok], "dob": pc["dob"].to_numpy()[ok],
                                "day": lo[ok] + (rng.random(int(ok.sum())) * (hi - lo)[ok]).astype(np.int64)}))
    # others
    span = last_day - first_day + 366
    n = int(rng.poisson(OTHERS_PER_YEAR * scale * span / 365.25))
    days = first_day - 365 + rng.integers(0, span, n)
    who = sample_eligible(rng, pool["dob"].to_numpy(), days, 11, 18)
    ok = who >= 0
    starts.append(pd.DataFrame({"person_id": pool["person_id"].to_numpy()[who[ok]],
                                "dob": pool["dob"].to_numpy()[who[ok]], "day": days[ok]}))

    first = pd.concat(starts, ignore_index=True).sort_values(["day", "person_id"], kind="stable")
    first = first.drop_duplicates("person_id").reset_index(drop=True)
    owner, day = chains(rng, first["day"].to_numpy(), STEPS, last_day, max_rounds=40)
    ep = pd.DataFrame({"person_id": first["person_id"].to_numpy()[owner], "dob": first["dob"].to_numpy()[owner],
                       "day": day})
    # MIS-091Q compares the date-time text with the period end's date as text, so a report made on a quarter's
    # last day would be queried as after the period: such episodes are moved to the next morning's date
    ep["day"] = np.where(_quarter_end(ep["day"].to_numpy()), ep["day"].to_numpy() + 1, ep["day"].to_numpy())
    ep = ep[(ep["day"] >= first_day) & (ep["day"] < add_years_days(ep["dob"].to_numpy(), 18)) & (ep["day"] > ep["dob"])]
    ep = ep.reset_index(drop=True)
    m = len(ep)
    hour = rng.choice(24, size=m, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    start = ep["day"].to_numpy() * MINUTES + hour * 60 + rng.integers(0, 60, m)
    # hours away: median about ten, from under an hour to two weeks
    away = np.clip(np.exp(rng.normal(np.log(600), 1.2, m)), 20, 14 * MINUTES).astype(np.int64)
    returned = np.where(rng.random(m) < P_RETURN_NOT_KEYED, NA_DAY, start + away)
    keys = np.array(list(RISK_WEIGHTS), dtype=object)
    w = np.array(list(RISK_WEIGHTS.values()))
    ep["missing_from"] = start
    ep["returned_at"] = returned
    ep["risk_grading"] = rng.choice(keys, size=m, p=w / w.sum())
    ep = ep.sort_values(["missing_from", "person_id"], kind="stable").reset_index(drop=True)
    year = year_of(ep["day"].to_numpy())
    seq = ep.groupby(year).cumcount().to_numpy() + 1
    ep["report_id"] = [f"MP-{y}-{s:05d}" for y, s in zip(year, seq, strict=True)]
    return ep.drop(columns="day")


def _quarter_end(days: np.ndarray) -> np.ndarray:
    """True on 31 March, 30 June, 30 September and 31 December."""
    tomorrow = month_of(days + 1)
    return (tomorrow != month_of(days)) & np.isin(month_of(days), (3, 6, 9, 12))


def return_interviews(rng: np.random.Generator, missing: pd.DataFrame, child_ids: pd.Series) -> pd.DataFrame:
    """One row per episode of a child social care knows: the interview offered and completed (NA_DAY if not)."""
    m = missing[member(missing["person_id"], child_ids.index)].reset_index(drop=True)
    n = len(m)
    returned = m["returned_at"].to_numpy()
    back = np.where(returned == NA_DAY, NA_DAY, returned // MINUTES)
    lags = np.array([-1 if d is None else d for d, _ in OFFER_LAGS])
    w = np.array([x for _, x in OFFER_LAGS])
    lag = rng.choice(lags, size=n, p=w / w.sum())
    offered = np.where((back == NA_DAY) | (lag < 0), NA_DAY, back + np.maximum(lag, 0))
    done = (offered != NA_DAY) & (rng.random(n) < P_COMPLETED)
    completed = np.where(done, offered + rng.integers(0, 11, n), NA_DAY)
    return pd.DataFrame({
        "person_id": m["person_id"].to_numpy(), "child_id": child_ids.reindex(m["person_id"]).to_numpy(),
        "missing_start": m["missing_from"].to_numpy() // MINUTES,
        "police_report_ref": np.where(rng.random(n) < P_REF_GIVEN, m["report_id"].to_numpy(), "").astype(object),
        "offered": offered, "completed": completed, "report_id": m["report_id"].to_numpy(),
    })
