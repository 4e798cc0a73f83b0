"""`generate`: the synthetic landing folders for one or more periods, with their ground truth.

One world is built for all requested quarters; each period's files are that world seen at the period end.
The latest period goes to `DIR/<agency>/` and `DIR/_truth/`; earlier ones to `DIR/_earlier/<YYYY-MM>/`.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from transforms.generate import layout, views
from transforms.generate.calendar import Period, periods_ending
from transforms.generate.inject import inject
from transforms.generate.layout import Cells
from transforms.generate.tables import STYLES, house_style, order_rows, render_table
from transforms.generate.truth import error_rows, record_rows, write_truth
from transforms.generate.workbook import SheetSpec, write_workbook
from transforms.generate.world import World, build_world

TRUTH_DIR = "_truth"
EARLIER_DIR = "_earlier"


def generate(out_dir: Path, period: str, quarters: int = 1, scale: float = 1.0, seed: int = 1) -> dict:
    """Write synthetic returns for `quarters` periods ending `period` under `out_dir`, plus `_truth/`.

    Returns a summary: the xlsx files written (paths relative to `out_dir`), data rows per table and
    injected errors per rule for the latest period, and the same counts for every period.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    periods = periods_ending(period, quarters)
    world = build_world(periods, scale, seed)
    files: list[str] = []
    per_period: dict[str, dict] = {}
    for p in periods:
        base = out_dir if p is periods[-1] else out_dir / EARLIER_DIR / p.name
        written, rows, errors = write_period(world, p, base, scale, seed)
        prefix = base.relative_to(out_dir)
        files += [str(prefix / f) if str(prefix) != "." else f for f in written]
        per_period[p.name] = {"rows": rows, "errors": errors}
    latest = per_period[periods[-1].name]
    return {
        "out_dir": str(out_dir), "period": periods[-1].name, "quarters": quarters, "scale": scale, "seed": seed,
        "files": files, "rows": latest["rows"], "errors": latest["errors"],
        "errors_total": sum(latest["errors"].values()), "truth": TRUTH_DIR, "periods": per_period,
    }


def _rng(seed: int, period: Period, name: str) -> np.random.Generator:
    """A generator per (seed, period, table): stable across runs and independent of call order."""
    return np.random.default_rng([seed, zlib.crc32(period.name.encode()), zlib.crc32(name.encode())])


def write_period(world: World, period: Period, base: Path, scale: float,
                 seed: int) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """One period's five files and its truth under `base`; returns (files, rows per table, errors per rule)."""
    records: dict[str, pd.DataFrame] = {}
    errors: list[dict] = []
    files: list[str] = []
    created = datetime.combine(period.end + timedelta(days=10), datetime.min.time()).replace(hour=9)
    extracted = (period.end + timedelta(days=10)).strftime("%d/%m/%Y")

    def table(table_id: str, frame: pd.DataFrame) -> pd.DataFrame:
        style = STYLES[table_id]
        rng = _rng(seed, period, table_id)
        frame = house_style(rng, style, order_rows(rng, style, frame))
        return inject(rng, style.contract, frame, scale)

    def sheet(table_id: str, frame: pd.DataFrame, name: str, file: str, titles: list[str]) -> SheetSpec:
        rng = _rng(seed, period, table_id + ":layout")
        cells, headers = render_table(rng, STYLES[table_id], frame)
        spec = SheetSpec(name, titles[: 1 + int(rng.random() < 0.5)], bool(rng.random() < 0.35), cells)
        recs = record_rows(STYLES[table_id].contract, frame, file, name, spec.first_data_row)
        records[table_id] = recs
        errors.extend(error_rows(STYLES[table_id].contract, recs, headers))
        return spec

    # Children's social care: Annex A (List 3, List 7 and a list we ignore) and the identity file.
    list3 = table("list3_referrals", views.referrals(world, period))
    list7 = table("list7_child_protection", views.cp_plans(world, period, _rng(seed, period, "list7:view")))
    annex_file = f"csc/annex_a_{period.name}.xlsx"
    window = f"{period.window_start:%d/%m/%Y} to {period.end:%d/%m/%Y}"
    annex_sheets = [
        _list1(world, period, seed),
        sheet("list3_referrals", list3, "List 3", annex_file,
              [f"Solihull MBC - Annex A List 3 - extracted {extracted}", f"Referrals {window}"]),
        sheet("list7_child_protection", list7, "List 7", annex_file,
              [f"Solihull MBC - Annex A List 7 - extracted {extracted}", f"Child protection plans {window}"]),
    ]
    if _rng(seed, period, "annex:guidance").random() < 0.5:
        annex_sheets.insert(0, SheetSpec("Guidance", text_lines=GUIDANCE))
    write_workbook(base / annex_file, annex_sheets, created, "Solihull MBC Children's Services")
    files.append(annex_file)

    # a child id left blank in List 3/7 names nobody, so only filled ids reach the identity file
    named = pd.concat([list3[["child_id", "person_id"]], list7[["child_id", "person_id"]]])
    named = named[named["child_id"] != ""]
    people = np.sort(named["person_id"].unique())
    identity = table("csc_child_identity",
                     views.child_identity(world, period, people, _rng(seed, period, "identity:view")))
    identity_file = f"csc/child_identity_{period.name}.xlsx"
    write_workbook(base / identity_file, [sheet(
        "csc_child_identity", identity, _pick(seed, period, "identity:sheet", ("Child identity", "Sheet1", "Export")),
        identity_file, ["Solihull MBC - Children's Social Care - child identity extract", f"Run {extracted}"])],
        created, "Solihull MBC Children's Services")
    files.append(identity_file)

    # Police: PPNs, and the nominal records of the people they concern.
    ppn = table("police_ppn", views.ppn(world, period))
    nominal_view = views.nominals(world, period, ppn)
    nominal_view["_cited"] = nominal_view["police_person_id"].isin(set(ppn["police_person_id"])).to_numpy()
    nominals = table("police_nominals", nominal_view).drop(columns="_cited")
    nominals_file = f"police/nominals_{period.name}.xlsx"
    write_workbook(base / nominals_file, [sheet(
        "police_nominals", nominals, _pick(seed, period, "nominals:sheet", ("Nominals", "Sheet1", "Export")),
        nominals_file, ["West Midlands Police - Nominal records - Solihull LPA", "OFFICIAL-SENSITIVE"])],
        created, "West Midlands Police")
    files.append(nominals_file)
    ppn_file = f"police/ppn_{period.name}.xlsx"
    write_workbook(base / ppn_file, [sheet(
        "police_ppn", ppn, _pick(seed, period, "ppn:sheet", ("PPNs", "Sheet1", "Data")), ppn_file,
        ["West Midlands Police - Public Protection Notices to Solihull MASH", f"Submitted to {period.end:%d/%m/%Y}"])],
        created, "West Midlands Police")
    files.append(ppn_file)

    # LADO.
    lado = table("lado_allegations", views.allegations(world, period))
    lado_file = f"lado/lado_allegations_{period.name}.xlsx"
    lado_sheets = [sheet("lado_allegations", lado, _pick(seed, period, "lado:sheet", ("LADO log", "Contacts")),
                         lado_file, ["Solihull LADO - contacts log", f"Rolling 24 months to {period.end:%d/%m/%Y}"])]
    if _rng(seed, period, "lado:notes").random() < 0.5:
        lado_sheets.append(SheetSpec("Notes", text_lines=LADO_NOTES))
    write_workbook(base / lado_file, lado_sheets, created, "Solihull LADO")
    files.append(lado_file)

    persons = pd.concat([
        pd.DataFrame({"source": "csc_child_identity", "record_id": records["csc_child_identity"]["child_id"],
                      "person_id": records["csc_child_identity"]["person_id"]}),
        pd.DataFrame({"source": "police_nominals", "record_id": records["police_nominals"]["police_person_id"],
                      "person_id": records["police_nominals"]["person_id"]}),
    ]).drop_duplicates(["source", "record_id"])  # a nominal exported twice (NOM-002) is still one record
    write_truth(base / TRUTH_DIR, records, errors, persons)

    rows = {table_id: len(frame) for table_id, frame in records.items()}
    counts: dict[str, int] = {}
    for e in errors:
        counts[e["rule_id"]] = counts.get(e["rule_id"], 0) + 1
    return files, rows, dict(sorted(counts.items()))


def _pick(seed: int, period: Period, name: str, options: tuple[str, ...]) -> str:
    return options[int(_rng(seed, period, name).integers(len(options)))]


LIST1_HEADERS = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source")

GUIDANCE = [
    "Annex A - guidance",
    "This workbook holds the lists requested by Ofsted for the inspection of local authority children's services.",
    "List 1: contacts in the last six months. List 3: referrals. List 7: children subject of a child protection plan.",
    "Dates are day/month/year. Child Unique ID is the local authority's case management system identifier.",
]

LADO_NOTES = [
    "Notes",
    "Contacts include consultations where the threshold for a position of trust meeting was not met.",
    "Outcome is recorded when the allegation is concluded; 'Not concluded' while enquiries continue.",
]


def _list1(world: World, period: Period, seed: int) -> SheetSpec:
    """A handful of contact rows in List 1, a sheet the pipeline ignores (not part of the truth)."""
    rng = _rng(seed, period, "list1")
    r = views.contacts_sample(world, period, rng)
    source = layout.code_styles(STYLES["list3_referrals"].contract.column("referral_source").codes,
                                layout.ANNEX_SOURCE_ORDER)["annex"]
    sex = layout.code_styles(STYLES["list3_referrals"].contract.column("gender").codes)["annex"]
    columns = [
        Cells(LIST1_HEADERS[0], list(r["child_id"])),
        Cells(LIST1_HEADERS[1], [sex[v] for v in r["gender"]]),
        Cells(LIST1_HEADERS[2], list(r["ethnicity"])),
        Cells(LIST1_HEADERS[3], layout.render_dates(rng, r["date_of_birth"].to_numpy(), (1, 0, 0, 0)),
              layout.DATE_FORMAT),
        Cells(LIST1_HEADERS[4], layout.render_ints(r["age"])),
        Cells(LIST1_HEADERS[5], layout.render_dates(rng, r["referral_date"].to_numpy() - 1, (1, 0, 0, 0)),
              layout.DATE_FORMAT),
        Cells(LIST1_HEADERS[6], [source[v] for v in r["referral_source"]]),
    ]
    return SheetSpec("List 1", [f"Solihull MBC - Annex A List 1 - extracted "
                                f"{period.end + timedelta(days=10):%d/%m/%Y}"], False, columns)
