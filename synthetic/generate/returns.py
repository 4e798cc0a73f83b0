"""The files of one period: which tables go in which workbook and sheet, with titles, notes and authors.

`PeriodWriter` does the shared work for every table (row order, house style, injected errors, layout, truth
rows); `write_all` lays out the thirteen files, one per return, in the agencies' folders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic.generate import layout, views_csc, views_partners, views_police
from synthetic.generate.calendar import Period
from synthetic.generate.events import member
from synthetic.generate.inject import inject
from synthetic.generate.layout import Cells
from synthetic.generate.styles import STYLES
from synthetic.generate.tables import house_style, order_rows, render_table
from synthetic.generate.truth import error_rows, record_rows
from synthetic.generate.workbook import SheetSpec, write_workbook
from synthetic.generate.world import World

ANX_PER_SCALE = 4  # Annex A children left out of the identity file (ANX-001Q), at scale 1
LA = "Solihull MBC"


@dataclass
class PeriodWriter:
    """State while writing one period: the truth rows and errors gathered, the files written."""

    world: World
    period: Period
    base: Path
    scale: float
    seed: int
    created: datetime
    rng_for: Callable[[int, Period, str], np.random.Generator]
    records: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def rng(self, name: str) -> np.random.Generator:
        return self.rng_for(self.seed, self.period, name)

    @property
    def extracted(self) -> str:
        return (self.period.end + timedelta(days=10)).strftime("%d/%m/%Y")

    @property
    def window(self) -> str:
        return f"{self.period.window_start:%d/%m/%Y} to {self.period.end:%d/%m/%Y}"

    def table(self, table_id: str, frame: pd.DataFrame) -> pd.DataFrame:
        """A view in this system's row order and house style, with its injected errors."""
        style = STYLES[table_id]
        rng = self.rng(table_id)
        frame = house_style(rng, style, order_rows(rng, style, frame))
        return inject(rng, style.contract, frame, self.scale, self.period.start_day)

    def sheet(self, table_id: str, frame: pd.DataFrame, name: str, file: str, titles: list[str]) -> SheetSpec:
        """The sheet for an injected frame; its truth rows and errors are recorded."""
        rng = self.rng(table_id + ":layout")
        style = STYLES[table_id]
        cells, headers = render_table(rng, style, frame)
        spec = SheetSpec(name, titles[: 1 + int(rng.random() < 0.5)], bool(rng.random() < 0.35), cells)
        recs = record_rows(style.contract, frame, file, name, spec.first_data_row)
        self.records[table_id] = recs
        self.errors.extend(error_rows(style.contract, recs, headers, frame))
        return spec

    def single(self, table_id: str, frame: pd.DataFrame, file: str, sheet_names: tuple[str, ...],
               titles: list[str], author: str, notes: list[str] | None = None) -> None:
        """A workbook holding one table (and, in some files, a notes sheet after it)."""
        rng = self.rng(table_id + ":sheet")
        name = sheet_names[int(rng.integers(len(sheet_names)))]
        sheets = [self.sheet(table_id, frame, name, file, titles)]
        if notes and rng.random() < 0.5:
            sheets.append(SheetSpec("Notes", text_lines=notes))
        self.workbook(file, sheets, author)

    def workbook(self, file: str, sheets: list[SheetSpec], author: str) -> None:
        write_workbook(self.base / file, sheets, self.created, author)
        self.files.append(file)


def write_all(w: PeriodWriter) -> None:
    """Every file of the period, agency by agency."""
    p = w.period.name
    _social_care(w)
    _police(w)

    health = w.table("health_safeguarding", views_partners.health_referrals(w.world, w.period))
    w.single("health_safeguarding", health, f"health/safeguarding_referrals_{p}.xlsx",
             ("Referrals", "Safeguarding referrals", "Sheet1"),
             ["Birmingham and Solihull ICB - Safeguarding referrals (Solihull children)", f"Referrals {w.window}"],
             "BSol ICB Safeguarding Team")
    deaths = w.table("health_cdop", views_partners.child_deaths(w.world, w.period))
    w.single("health_cdop", deaths, f"health/cdop_{p}.xlsx", ("CDOP cases", "Cases"),
             ["Birmingham and Solihull Child Death Overview Panel - Solihull cases", f"As at {w.period.end:%d/%m/%Y}"],
             "BSol Child Death Review Team", CDOP_NOTES)

    suspensions = w.table("edu_suspensions", views_partners.suspensions(w.world, w.period))
    w.single("edu_suspensions", suspensions, f"education/suspensions_{p}.xlsx", ("Exclusions", "Suspensions", "Data"),
             [f"{LA} - Suspensions and permanent exclusions", f"Start dates {w.window}"], f"{LA} Education")
    cme = w.table("edu_cme", views_partners.missing_education(w.world, w.period))
    w.single("edu_cme", cme, f"education/cme_{p}.xlsx", ("CME", "Children missing education"),
             [f"{LA} - Children missing education register", f"Open in {w.window}"], f"{LA} Education")

    lado = w.table("lado_allegations", views_partners.allegations(w.world, w.period))
    w.single("lado_allegations", lado, f"lado/lado_allegations_{p}.xlsx", ("LADO log", "Contacts"),
             ["Solihull LADO - contacts log", f"Rolling 24 months to {w.period.end:%d/%m/%Y}"], "Solihull LADO",
             LADO_NOTES)

    tracker = w.table("vulnerability_tracker", views_partners.tracker(w.world, w.period))
    w.single("vulnerability_tracker", tracker, f"partnership/vulnerability_tracker_{p}.xlsx",
             ("Tracker", "Vulnerability Tracker"),
             ["Solihull Vulnerability Tracker - all age exploitation", f"Extract {w.extracted}"], "Solihull LSCP")
    training = w.table("training_attendance", views_partners.training(w.world, w.period))
    w.single("training_attendance", training, f"partnership/training_attendance_{p}.xlsx",
             ("Attendance", "Training", "Sheet1"), ["Solihull LSCP - multi-agency training attendance",
                                                    f"Courses {w.window}"], "Solihull LSCP")


ANNEX_TITLES = {1: "Contacts", 2: "Early Help", 3: "Referrals", 4: "Assessments", 5: "S47", 6: "CIN", 7: "CP",
                8: "CLA"}
ANNEX_TABLES = {1: "list1_contacts", 3: "list3_referrals", 4: "list4_assessments", 5: "list5_section47",
                6: "list6_children_in_need", 7: "list7_child_protection", 8: "list8_looked_after"}


def _social_care(w: PeriodWriter) -> None:
    """Annex A (Lists 1-8), return interviews and the identity of every child they name."""
    p, world, period = w.period.name, w.world, w.period
    lists = {
        1: w.table("list1_contacts", views_csc.contacts(world, period, w.rng("list1:view"))),
        3: w.table("list3_referrals", views_csc.referrals(world, period)),
        4: w.table("list4_assessments", views_csc.assessments(world, period)),
        5: w.table("list5_section47", views_csc.section47(world, period)),
        6: w.table("list6_children_in_need", views_csc.children_in_need(world, period)),
        7: w.table("list7_child_protection", views_csc.cp_plans(world, period, w.rng("list7:view"))),
        8: w.table("list8_looked_after", views_csc.looked_after(world, period)),
    }
    early_help = views_csc.early_help(world, period, w.rng("list2"))
    interviews = w.table("csc_return_interviews", views_csc.return_interviews(world, period))
    _leave_out_of_identity(w, lists, early_help, interviews)

    # a child id left blank names nobody; children left out on purpose (ANX-001Q) are not in the identity file
    named = pd.concat([f.loc[f["_rule"] != "ANX-001Q", ["child_id", "person_id"]] for f in lists.values()]
                      + [interviews[["child_id", "person_id"]]])
    people = np.sort(named.loc[named["child_id"] != "", "person_id"].unique())
    identity_view = views_csc.child_identity(world, period, people, w.rng("identity:view"))
    # an identity row rejected for an error leaves the child unmatched, so the cross-return check queries the
    # child's Annex A rows too: those errors go only to children whose Annex A rows are otherwise clean
    flagged = pd.concat([f.loc[f["_rule"] != "", "child_id"] for f in lists.values()])
    identity_view["_avoid"] = member(identity_view["child_id"], flagged)
    identity = w.table("csc_child_identity", identity_view).drop(columns="_avoid")
    _unmatched_after_rejection(lists, identity)

    annex_file = f"csc/annex_a_{p}.xlsx"
    titled = w.rng("annex:names").random() < 0.4
    sheets = []
    for number in range(1, 9):
        name = f"List {number}" + (f" - {ANNEX_TITLES[number]}" if titled else "")
        if number == 2:
            sheets.append(_list2(w, early_help, name))
            continue
        table_id = ANNEX_TABLES[number]
        sheets.append(w.sheet(table_id, lists[number], name, annex_file,
                              [f"{LA} - Annex A List {number} - extracted {w.extracted}",
                               f"{STYLES[table_id].contract.title} {w.window}"]))
    if w.rng("annex:guidance").random() < 0.5:
        sheets.insert(0, SheetSpec("Guidance", text_lines=GUIDANCE))
    w.workbook(annex_file, sheets, f"{LA} Children's Services")
    w.single("csc_child_identity", identity, f"csc/child_identity_{p}.xlsx", ("Child identity", "Sheet1", "Export"),
             [f"{LA} - Children's Social Care - child identity extract", f"Run {w.extracted}"],
             f"{LA} Children's Services")
    w.single("csc_return_interviews", interviews, f"csc/return_interviews_{p}.xlsx",
             ("Return interviews", "RHI", "Sheet1"),
             [f"{LA} - Return home interviews after missing episodes", f"Missing episodes {w.window}"],
             f"{LA} Children's Services")


def _leave_out_of_identity(w: PeriodWriter, lists: dict[int, pd.DataFrame], early_help: pd.DataFrame,
                           interviews: pd.DataFrame) -> None:
    """Mark a few clean list rows ANX-001Q: children named on exactly one Annex A row and nowhere else in the
    social care returns, whom the identity extract then leaves out (the cross-return check reports them)."""
    ids = pd.concat([f["child_id"] for f in lists.values()] + [early_help["child_id"], interviews["child_id"]])
    rows = ids[ids != ""].value_counts()
    candidates = [(number, i) for number, f in lists.items()
                  for i in np.flatnonzero((f["_rule"] == "").to_numpy() & (f["child_id"].map(rows) == 1).to_numpy())]
    if not candidates:
        return
    rng = w.rng("anx")
    want = min(max(1, round(ANX_PER_SCALE * w.scale)), len(candidates))
    for k in np.sort(rng.choice(len(candidates), size=want, replace=False)):
        number, i = candidates[int(k)]
        lists[number].loc[i, "_rule"] = "ANX-001Q"


def _unmatched_after_rejection(lists: dict[int, pd.DataFrame], identity: pd.DataFrame) -> None:
    """Mark ANX-001Q on the Annex A rows of children whose identity row carries an injected ERROR."""
    rules = {r.rule_id: r.severity for r in STYLES["csc_child_identity"].contract.rules}
    rejected = identity.loc[[rules.get(rule) == "ERROR" for rule in identity["_rule"]], "child_id"]
    for frame in lists.values():
        hit = member(frame["child_id"], rejected) & (frame["_rule"] == "").to_numpy()
        frame.loc[hit, "_rule"] = "ANX-001Q"


def _list2(w: PeriodWriter, eh: pd.DataFrame, name: str) -> SheetSpec:
    """List 2 (early help): written like the other lists, but a list the pipeline ignores (not in the truth)."""
    rng = w.rng("list2:layout")
    sex = layout.code_styles(STYLES["list3_referrals"].contract.column("gender").codes)["annex"]
    columns = [
        Cells("Child Unique ID", list(eh["child_id"])),
        Cells("Gender", [sex[v] for v in eh["gender"]]),
        Cells("Date of Birth", layout.render_dates(rng, eh["date_of_birth"].to_numpy(), (1, 0, 0, 0)),
              layout.DATE_FORMAT),
        Cells("Age", layout.render_ints(eh["age"])),
        Cells("Early Help Assessment Start Date", layout.render_dates(rng, eh["start"].to_numpy(), (1, 0, 0, 0)),
              layout.DATE_FORMAT),
        Cells("Lead Practitioner Agency", list(rng.choice(np.array(LEAD_AGENCIES, dtype=object), len(eh)))),
    ]
    return SheetSpec(name, [f"{LA} - Annex A List 2 - extracted {w.extracted}"], False, columns)


def _police(w: PeriodWriter) -> None:
    """PPNs, missing reports, and the nominal records of the people they concern."""
    p = w.period.name
    ppn = w.table("police_ppn", views_police.ppn(w.world, w.period))
    missing = w.table("police_missing", views_police.missing(w.world, w.period))
    cited = set(ppn["person_id"]) | set(missing["person_id"])
    nominal_view = views_police.nominals(w.world, w.period, cited)
    cited_ids = set(ppn["police_person_id"]) | set(missing["police_person_id"])
    nominal_view["_cited"] = nominal_view["police_person_id"].isin(cited_ids).to_numpy()
    nominals = w.table("police_nominals", nominal_view).drop(columns="_cited")
    wmp = "West Midlands Police"
    w.single("police_nominals", nominals, f"police/nominals_{p}.xlsx", ("Nominals", "Sheet1", "Export"),
             [f"{wmp} - Nominal records - Solihull LPA", "OFFICIAL-SENSITIVE"], wmp)
    w.single("police_ppn", ppn, f"police/ppn_{p}.xlsx", ("PPNs", "Sheet1", "Data"),
             [f"{wmp} - Public Protection Notices to Solihull MASH", f"Submitted to {w.period.end:%d/%m/%Y}"], wmp)
    w.single("police_missing", missing, f"police/missing_{p}.xlsx", ("Missing", "Missing children", "Sheet1"),
             [f"{wmp} - Missing children reports - Solihull LPA", "OFFICIAL-SENSITIVE"], wmp)


LEAD_AGENCIES = ("Family Support", "School", "Health Visiting", "Children's Centre", "Youth Service")

GUIDANCE = [
    "Annex A - guidance",
    "This workbook holds the lists requested by Ofsted for the inspection of local authority children's services.",
    "List 1: contacts. List 2: early help. List 3: referrals. List 4: assessments. List 5: section 47 enquiries.",
    "List 6: children in need. List 7: child protection plans. List 8: children looked after.",
    "Dates are day/month/year. Child Unique ID is the local authority's case management system identifier.",
]

LADO_NOTES = [
    "Notes",
    "Contacts include consultations where the threshold for a position of trust meeting was not met.",
    "Outcome is recorded when the allegation is concluded; 'Not concluded' while enquiries continue.",
]

CDOP_NOTES = [
    "Notes",
    "Category, modifiable factors and learning are recorded when the panel has reviewed the death.",
    "Joint agency response: the rapid response to an unexpected death.",
]
