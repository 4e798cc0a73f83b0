"""The person index on hand-made records among generated ones: deterministic links, the NHS veto, stable keys."""

import pandas as pd

from synthetic.linkage.person_records import person_records
from transforms.people.index import Index, update
from transforms.people.standardise import standardise


def people(rows):
    frame = pd.DataFrame(rows, columns=["source", "record_id", "first_name", "last_name", "date_of_birth",
                                        "nhs_number", "postcode"])
    return frame.astype("object").where(frame.notna(), None)


def link_people(rows, existing=None, period="2026-09"):
    """Match hand-made records among generated ones (name frequencies need a population) -> (source, id) -> key."""
    records = standardise(pd.concat([person_records(2000, seed=7), people(rows)], ignore_index=True))
    result = update(records, existing or Index(), period, b"k")
    return result, result.records.set_index(["source", "record_id"])["person_key"]


def test_deterministic_links_and_nhs_veto():
    _, keys = link_people([
        ["csc_child_identity", "C1", "AMY", "SMITH", "2015-01-02", "9434765919", "B91 3QT"],
        ["police_nominals", "N1", "AMY", "SMITH", "2015-01-02", None, "B91 3QT"],  # same name, dob, postcode
        ["vulnerability_tracker", "V2", "AMY", "SMITH", "2015-01-02", "4010232137", "B91 3QT"],  # other NHS no.
        ["health_safeguarding", "H1", "AMELIA", "SMITH", "2015-01-02", "9434765919", None],  # same NHS, dob
        ["police_nominals", "N3", "BEN", "SMITH", "2015-01-02", None, "B91 3QT"],  # twin: other first name
    ])
    ours = keys.loc[[("csc_child_identity", "C1"), ("police_nominals", "N1"), ("vulnerability_tracker", "V2"),
                     ("health_safeguarding", "H1"), ("police_nominals", "N3")]].tolist()
    c1, n1, v2, h1, n3 = ours
    assert c1 == h1 and v2 != c1 and n3 not in (c1, v2) and n1 in (c1, v2)


def test_person_keys_are_stable_across_reruns_and_keep_existing_keys():
    rows = [["csc_child_identity", "C1", "AMY", "SMITH", "2015-01-02", None, "B91 3QT"],
            ["police_nominals", "N1", "AMY", "SMITH", "2015-01-02", None, "B91 3QT"]]
    first, keys = link_people(rows)
    held = Index(records=first.records, edges=first.edges, review=first.review)
    again, keys_again = link_people(rows, held)
    assert keys.equals(keys_again) and again.probe == 0
    assert keys[("csc_child_identity", "C1")] == keys[("police_nominals", "N1")]
    kept = first.records.copy()
    kept.loc[kept["person_key"] == keys[("police_nominals", "N1")], "person_key"] = "kept-key"
    _, renamed = link_people(rows, Index(records=kept, edges=first.edges))
    assert renamed[("police_nominals", "N1")] == renamed[("csc_child_identity", "C1")] == "kept-key"
