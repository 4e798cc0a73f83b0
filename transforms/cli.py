"""`assure`: the command line of the partnership data pipeline (DESIGN.md section 8)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from transforms import settings

# Sub-commands that live outside the product (the synthetic data generator and the model's training) register
# themselves under this entry-point group (pyproject.toml), so no product module imports them.
COMMAND_PLUG_INS = "assure.commands"


def _run(args: argparse.Namespace) -> int:
    import gc
    import getpass

    # A run allocates millions of short-lived objects (cells, row tuples) and frees them in bulk: Python's default
    # thresholds start a collection every 700 allocations (a borough's run: 9.8 s -> 9.4 s in two alternating pairs
    # of runs). The cycles the run makes are few; a collection every 100,000 allocations still finds them.
    gc.set_threshold(100_000, 50, 100)

    from transforms import pipeline, warehouse

    landing = settings.landing_dir(args.landing, default=None)
    out = settings.output_dir(args.out)
    if not landing:
        print("assure run: give --landing DIR or set ASSURE_LANDING_DIR", file=sys.stderr)
        return 2
    if not Path(landing).is_dir():
        print(f"assure run: no such landing folder: {landing}", file=sys.stderr)
        return 2
    if (args.by is not None or args.comment is not None) and not args.approve:
        print("assure run: --by and --comment go with --approve (releasing the public profile)", file=sys.stderr)
        return 2
    approver = (args.by or getpass.getuser()) if args.approve else None
    if args.approve and not approver.strip():
        print("assure run: --by NAME: who approves the release", file=sys.stderr)
        return 2
    try:
        summary = pipeline.run(landing, args.period, out, args.warehouse, approve=approver, comment=args.comment)
    except pipeline.RunFailed as exc:
        print(f"assure run: {exc}", file=sys.stderr)
        return 1
    finally:
        warehouse.dispose_all()
    print(summary.text())
    if summary.failed:  # everything else was published; these files were not loaded and are tried again next run
        names = ", ".join(s["landed"] for s in summary.failed)
        print(f"assure run: {len(summary.failed)} file(s) failed and were not loaded: {names}. Everything else was "
              "published; see the reasons above, fix the cause and run again.", file=sys.stderr)
        return 1
    return 0


FIRST_ISSUES = 10  # issues `assure validate` prints; the rest are in the feedback


def _existing_warehouse(url: str) -> bool:
    """Whether the warehouse is there to read (a SQLite file is never created just to look into it)."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    return parsed.get_backend_name() != "sqlite" or Path(parsed.database or "").is_file()


def _validate(args: argparse.Namespace) -> int:
    """Check each file given, one after another in this process; the exit code is the worst of them."""
    import json

    import schemas
    from transforms import warehouse

    paths = [Path(file) for file in args.file]
    missing = [path for path in paths if not path.is_file()]
    if missing:
        print(f"assure validate: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    if args.return_id and args.return_id not in {t.return_id for t in schemas.TABLES}:
        valid = ", ".join(sorted({t.return_id for t in schemas.TABLES}))
        print(f"assure validate: unknown return '{args.return_id}'. Valid returns: {valid}", file=sys.stderr)
        return 2
    out = settings.output_dir(args.out)
    url = args.warehouse or settings.warehouse_url(out)
    codes, reports = [], []
    try:
        for path in paths:
            code, content, text = _validate_one(path, args, out, url)
            codes.append(code)
            if code == 1:
                print(text, file=sys.stderr)
            elif args.json:
                reports.append(content)
            else:
                print(text)
    finally:
        warehouse.dispose_all()
    if args.json and reports:
        # one file: its report, as ever; several: the list of their reports, in the order given
        print(json.dumps(reports[0] if len(paths) == 1 else reports, indent=2, ensure_ascii=False))
    return 1 if 1 in codes else 3 if 3 in codes else 0


def _validate_one(path: Path, args: argparse.Namespace, out: str, url: str) -> tuple[int, dict | None, str]:
    """Validate one file and write its feedback: (exit code, the feedback as JSON content, the text to print)."""
    import datetime as dt

    import sqlalchemy as sa

    import schemas
    from transforms import pipeline, warehouse
    from transforms.feedback import report_content, write_feedback
    from transforms.handoff import Submission
    from transforms.ingest import sha256_of, submission_id_of, validate_submission, value_map

    try:
        sha = sha256_of(path)
        folder = path.resolve().parent.name
        agency = folder if folder in schemas.AGENCIES else None
        submission = Submission(submission_id=submission_id_of(sha, agency or "", args.period or ""), sha256=sha,
                                file_name=path.name, archive_path=str(path),
                                agency=agency, period=args.period or "",
                                received_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
        mapped, loaded = {}, False
        if _existing_warehouse(url):
            mapped = value_map.load(url, agency)
            registry = warehouse.raw_submission
            with warehouse.engine(url).connect() as conn:
                same = [registry.c.sha256 == sha, registry.c.loaded == 1]  # these bytes, loaded (for the period given)
                same += [registry.c.period == args.period] if args.period else []
                loaded = conn.execute(sa.select(registry.c.submission_id).where(*same)).first() is not None
        # the feedback of a submission already loaded is the pipeline's: a check of the same file goes beside it
        target = str(Path(out) / "validate") if loaded else out
        result = validate_submission(submission, target, args.return_id, mapped=mapped)
        paths = write_feedback(result, target)
    except pipeline.SYSTEM_FAILURES as exc:
        return 1, None, f"assure validate: {path.name}: {pipeline.describe(exc)}"
    content = report_content(result)
    return (3 if result.status == "QUARANTINED" else 0), content, \
        _validation_text(path, result, content, paths, loaded)


def _validation_text(path: Path, result, content: dict, paths: dict, loaded: bool) -> str:
    """What `assure validate` prints: the verdict, the problem, how the sheets were read, notes and first issues."""
    recognised = result.return_id or "no return recognised"
    lines = [f"{path.name}: {result.status} ({recognised}), {result.rows_read} rows read = {result.rows_accepted} "
             f"accepted + {result.rows_rejected} rejected; {result.rows_queried} queried"]
    if result.reason:
        lines.append(f"  problem: {result.reason}")
    lines += [f"  sheet {s['sheet']!r}: {s.get('list') or 'not read'} ({s.get('status', '')})" for s in result.sheets]
    lines += [f"  note: {note}" for note in result.notes]
    lines += [f"  value not read: {v['column']} {v['value']!r} ({v['rows']} rows, {v['example_rows']})"
              for v in content["unmapped_values"]]
    issues = content["issues"]
    for issue in issues[:FIRST_ISSUES]:
        lines.append(f"  {issue['severity']} {issue['rule_id']} sheet {issue['sheet']!r} row {issue['row']} "
                     f"{issue['column']!r} {issue['value']!r}: {issue['message']}")
    if len(issues) > FIRST_ISSUES:
        lines.append(f"  ... and {len(issues) - FIRST_ISSUES} more issues in the feedback")
    if loaded:
        lines.append("  this file is already loaded: its own feedback was left as it is")
    lines.append(f"  feedback: {paths['xlsx']}")
    return "\n".join(lines)


def _values(args: argparse.Namespace) -> int:
    import getpass

    from transforms import warehouse
    from transforms.ingest import value_map

    url = args.warehouse or settings.warehouse_url(settings.output_dir(args.out))
    who = args.by or getpass.getuser()
    try:
        if args.action == "list":
            frame = value_map.mappings(url, args.agency)
            print(frame.to_string(index=False) if len(frame) else "No values mapped yet.")
        elif args.action == "unmapped":
            frame = value_map.unmapped(url, args.agency, args.period)
            shown = frame[["agency", "return_id", "column", "raw_value", "rows", "example_rows"]]
            print(shown.to_string(index=False) if len(frame) else "Every value of the loaded returns was read.")
        elif args.action == "map":
            if not all((args.agency, args.column, args.value, args.code)):
                print("assure values map: give --agency, --column, --value and --code", file=sys.stderr)
                return 2
            row = value_map.add(url, args.agency, args.column, args.value, args.code, who)
            print(f"Mapped {row['agency']} {row['column']} {row['raw_value']!r} -> {row['code']} "
                  f"(by {row['mapped_by']} at {row['mapped_at']}); it is read in every later run of that agency's "
                  "files.")
        elif args.action == "export":
            print(f"Exported {value_map.export_csv(url, args.file)} mappings to {args.file}")
        elif args.action == "import":
            print(f"Imported {value_map.import_csv(url, args.file, who)} mappings from {args.file}")
    finally:
        warehouse.dispose_all()
    return 0


def _rules(args: argparse.Namespace) -> int:
    from transforms.feedback.rule_catalogue import render, rule_catalogue

    sys.stdout.write(render(rule_catalogue(args.return_id), args.format))
    return 0


def _templates(args: argparse.Namespace) -> int:
    from transforms.feedback.templates import write_templates

    for path in write_templates(Path(args.out)):
        print(path)
    return 0


def _link(args: argparse.Namespace) -> int:
    from transforms.people.link import link_file

    summary = link_file(args.in_path, args.out_path, args.review, memory_limit=args.memory_limit)
    print(f"Linked {summary['records']} records into {summary['people']} people in {summary['seconds']:.1f}s "
          f"({summary['review']} pairs for review) -> {args.out_path}")
    return 0


def _decide(args: argparse.Namespace) -> int:
    import getpass

    from transforms import warehouse
    from transforms.people import decide

    url = args.warehouse or settings.warehouse_url(settings.output_dir(args.out))
    try:
        row = decide(url, args.left, args.right, args.decision, args.reason, args.by or getpass.getuser())
    finally:
        warehouse.dispose_all()
    said = "the same person" if row["decision"] == "ACCEPT" else "not the same person"
    print(f"{row['source_l']}:{row['record_id_l']} and {row['source_r']}:{row['record_id_r']}: {said} "
          f"(by {row['decided_by']} at {row['decided_at']}); the next run honours it.")
    return 0


def _review(args: argparse.Namespace) -> int:
    """`assure review list|decide|undo`: the match review of the workbench, without a browser."""
    if args.action == "decide":
        if not (args.left and args.right and args.decision):
            print("assure review decide: give LEFT RIGHT ACCEPT|REJECT and --reason", file=sys.stderr)
            return 2
        if not args.reason:
            print("assure review decide: give --reason (what you saw)", file=sys.stderr)
            return 2
        return _decide(args)
    from transforms import warehouse
    from transforms.people import undo
    from transforms.workbench import matches

    url = args.warehouse or settings.warehouse_url(settings.output_dir(args.out))
    try:
        if args.action == "undo":
            if not (args.left and args.right):
                print("assure review undo: give LEFT RIGHT", file=sys.stderr)
                return 2
            done = undo(url, args.left, args.right)
            print(f"{args.left} and {args.right}: " + ("decision taken back; the pair awaits a decision again."
                                                       if done else "no decision to take back."))
            return 0
        pairs = matches.review_pairs(url, decided=args.decided, limit=args.limit)
        counts = matches.counts(url)
    finally:
        warehouse.dispose_all()
    print(f"{counts['open']} pairs await a decision; {counts['decided']} decided.")
    for pair in pairs:
        print(_pair_text(pair))
    return 0


def _pair_text(pair: dict) -> str:
    """A pair as `assure review list` prints it: both records, the evidence, and the decision if any."""
    lines = [f"{pair['left']}  {pair['right']}  p={pair['match_probability']:.3f}"]
    sides = (pair["left_record"], pair["right_record"])
    if not any(side.get("missing") for side in sides):
        for name in ("first_name", "last_name", "dob", "sex", "postcode", "nhs_number"):
            a, b = (side["fields"][name] for side in sides)
            lines.append(f"    {name:<11} {a['text']:<24} {b['text']:<24} {'same' if a['agrees'] else ''}")
    lines.append(f"    evidence: {pair['evidence']}")
    if pair.get("decision"):
        honoured = {True: "honoured", False: "not yet honoured", None: "records gone"}[pair["honoured"]]
        lines.append(f"    {pair['decision']} by {pair['decided_by']} at {pair['decided_at']} ({honoured}): "
                     f"{pair['reason']}")
    return "\n".join(lines)


def _commentary(args: argparse.Namespace) -> int:
    """`assure commentary list|edit`: the drafts and the analyst's edits of a quarter."""
    import getpass

    from transforms import warehouse
    from transforms.dataset import commentary

    url = args.warehouse or settings.warehouse_url(settings.output_dir(args.out))
    try:
        if args.action == "edit":
            if not args.indicator or (args.text is None and not args.draft):
                print("assure commentary edit: give the indicator and --text (or --draft to go back to the draft)",
                      file=sys.stderr)
                return 2
            row = commentary.edit(url, args.indicator, args.period, None if args.draft else args.text,
                                  args.by or getpass.getuser())
            print(f"{args.indicator} {args.period}: " + (f"edited by {row['edited_by']} at {row['edited_at']}; the "
                                                         "pack and the dashboard carry it from the next publication"
                                                         if row["edited"] else "back to the draft"))
            return 0
        texts = commentary.final(url, args.period)
    finally:
        warehouse.dispose_all()
    if not texts:
        print(f"No commentary for {args.period}: compute the quarter first (assure run).")
    for indicator_id, text in sorted(texts.items()):
        if args.indicator and indicator_id != args.indicator:
            continue
        mark = f" [edited by {text['edited_by']}]" if text["edited"] else " [draft]"
        print(f"{indicator_id}{mark}: {text['text']}")
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from transforms.dataset import catalogue_markdown

    print(catalogue_markdown())
    return 0


def _reference_population(args: argparse.Namespace) -> int:
    from transforms.dataset import read_ons, write_reference

    path, out = Path(args.file), Path(args.out or settings.REFERENCE_DIR / "child_population.csv")
    if not path.is_file():
        print(f"assure reference population: no such file: {path}", file=sys.stderr)
        return 2
    rows = read_ons(path, args.la)
    write_reference(rows, out)
    print(f"Loaded children aged 0-17 for {args.la} {rows[0].area_name} from {path.name} into {out}:")
    for row in rows:
        print(f"  mid-{row.mid_year}: {row.population_0_17:,} ({row.release}; {row.source})")
    return 0


def _warehouse_options(command: argparse.ArgumentParser) -> None:
    """--warehouse and --out, for the commands that read or write the warehouse of an output folder."""
    command.add_argument("--warehouse", help="SQLAlchemy URL (or ASSURE_WAREHOUSE_URL; default SQLite in --out)")
    command.add_argument("--out", help="output folder of the warehouse (or ASSURE_OUTPUT_DIR; default ./output)")


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser (one sub-command per action, `--help` on each) for the command line `argv` (default
    the process's): the plug-ins' commands are added unless it names a command of the product's own."""
    top = argparse.ArgumentParser(prog="assure", description="Partnership data assurance pipeline.")
    commands = top.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the whole pipeline on a landing folder")
    run.add_argument("--landing", help="landing folder with one sub-folder per agency (or ASSURE_LANDING_DIR)")
    run.add_argument("--period", required=True, help="quarter, named by its last month, e.g. 2026-09")
    run.add_argument("--warehouse", help="SQLAlchemy URL (or ASSURE_WAREHOUSE_URL; default SQLite in --out)")
    run.add_argument("--out", help="output folder (or ASSURE_OUTPUT_DIR; default ./output)")
    run.add_argument("--approve", action="store_true",
                     help="release the public profile after the internal one, recording the approval (without it, "
                          "the public profile awaits approval)")
    run.add_argument("--by", help="with --approve: who approves (default: the logged-in user)")
    run.add_argument("--comment", help="with --approve: a note kept with the approval")
    run.set_defaults(handler=_run)

    check = commands.add_parser("validate", help="validate files without loading them, and write their feedback")
    check.add_argument("file", nargs="+", help="the spreadsheet(s) to check (several: checked one after another, the "
                                               "exit code the worst of them, --json prints a list of reports)")
    check.add_argument("--return", dest="return_id", help="the return it holds (default: recognised from headers)")
    check.add_argument("--json", action="store_true", help="print the feedback as JSON")
    check.add_argument("--period", help="the quarter the file is for, e.g. 2026-09 (recorded in the feedback)")
    check.add_argument("--out", help="output folder for the feedback (or ASSURE_OUTPUT_DIR; default ./output)")
    check.add_argument("--warehouse", help="warehouse whose value map applies (default: the one in --out, if any)")
    check.set_defaults(handler=_validate)

    rules = commands.add_parser("rules", help="print the rule catalogue (every validation rule of every return)")
    rules.add_argument("--format", choices=("markdown", "csv"), default="markdown", help="default markdown")
    rules.add_argument("--return", dest="return_id", help="only this return's rules, e.g. police_ppn")
    rules.set_defaults(handler=_rules)

    templates = commands.add_parser("templates", help="write a blank submission template for each bespoke return")
    templates.add_argument("--out", required=True, help="folder to write <return_id>.xlsx into")
    templates.set_defaults(handler=_templates)

    values = commands.add_parser("values", help="the value map: local values mapped once to codes, per agency",
                                 description="list: the mappings; unmapped: values still waiting, with counts; map: "
                                             "map one value; export/import FILE: the mappings as CSV.")
    values.add_argument("action", choices=("list", "unmapped", "map", "export", "import"))
    values.add_argument("file", nargs="?", help="the CSV for export and import")
    values.add_argument("--agency", help="the agency (its landing folder name, e.g. csc)")
    values.add_argument("--column", help="map: the canonical column, e.g. referral_source (see `assure rules`)")
    values.add_argument("--value", help="map: the value as the agency writes it")
    values.add_argument("--code", help="map: the code it means")
    values.add_argument("--period", help="unmapped: only this quarter's returns")
    values.add_argument("--by", help="who maps (default: the logged-in user)")
    _warehouse_options(values)
    values.set_defaults(handler=_values)

    link = commands.add_parser("link", help="reconcile a person file: each record's person_key and match probability")
    link.add_argument("--in", dest="in_path", required=True,
                      help="csv or parquet with record_id, source, first_name, last_name, date_of_birth, sex, "
                           "postcode, nhs_number (upn, address_line, pnc_id, agency optional)")
    link.add_argument("--out", dest="out_path", required=True,
                      help="csv or parquet to write: record_id, person_key, match_probability, source, rule")
    link.add_argument("--review", help="also write the grey-band pairs, with their evidence, to this csv or parquet")
    link.add_argument("--memory-limit", help="DuckDB memory limit while matching (default ASSURE_LINK_MEMORY_LIMIT or "
                                           "512MB)")
    link.set_defaults(handler=_link)

    decide = commands.add_parser("decide", help="record a reviewer's decision on two person records (ACCEPT: the "
                                                "same person; REJECT: not the same person, whatever links them)")
    decide.add_argument("left", help="one record, as SOURCE:RECORD_ID (e.g. police_nominals:N123)")
    decide.add_argument("right", help="the other record, as SOURCE:RECORD_ID")
    decide.add_argument("decision", help="ACCEPT or REJECT")
    decide.add_argument("--reason", required=True, help="what the reviewer saw, kept with the decision")
    decide.add_argument("--by", help="who decides (default: the logged-in user)")
    _warehouse_options(decide)
    decide.set_defaults(handler=_decide)

    review = commands.add_parser("review", help="match review: the pairs awaiting a decision, decide, undo",
                                 description="list: the open pairs (or --decided), both records side by side; "
                                             "decide LEFT RIGHT ACCEPT|REJECT --reason: record a decision; undo LEFT "
                                             "RIGHT: take one back.")
    review.add_argument("action", choices=("list", "decide", "undo"))
    review.add_argument("left", nargs="?", help="decide/undo: one record, as SOURCE:RECORD_ID")
    review.add_argument("right", nargs="?", help="decide/undo: the other record, as SOURCE:RECORD_ID")
    review.add_argument("decision", nargs="?", help="decide: ACCEPT (the same person) or REJECT")
    review.add_argument("--reason", help="decide: what the reviewer saw, kept with the decision")
    review.add_argument("--by", help="decide: who decides (default: the logged-in user)")
    review.add_argument("--decided", action="store_true", help="list: the decided pairs instead of the open ones")
    review.add_argument("--limit", type=int, default=50, help="list: at most this many pairs (default 50)")
    _warehouse_options(review)
    review.set_defaults(handler=_review)

    notes = commands.add_parser("commentary", help="the commentary of each indicator: drafts from the numbers, edits",
                                description="list: each indicator's commentary for the quarter (the edit, else the "
                                            "draft); edit ID --text TEXT: the analyst's commentary, kept across "
                                            "re-runs (--draft: back to the draft).")
    notes.add_argument("action", choices=("list", "edit"))
    notes.add_argument("indicator", nargs="?", help="the indicator, e.g. CSC-01")
    notes.add_argument("--period", required=True, help="the quarter, e.g. 2026-09")
    notes.add_argument("--text", help="edit: the commentary as the ARG should read it")
    notes.add_argument("--draft", action="store_true", help="edit: drop the edit, back to the draft")
    notes.add_argument("--by", help="edit: who edits (default: the logged-in user)")
    _warehouse_options(notes)
    notes.set_defaults(handler=_commentary)

    indicators = commands.add_parser("indicators",
                                     help="print the indicator catalogue as markdown (docs/indicators.md)")
    indicators.set_defaults(handler=_indicators)

    reference = commands.add_parser("reference", help="load reference data the indicators use")
    loads = reference.add_subparsers(dest="reference", required=True)
    population = loads.add_parser("population", help="children aged 0-17 from an ONS mid-year estimates file "
                                                      "(MYE2 workbook or MYEB time series) into the reference CSV")
    population.add_argument("file", help="the ONS file (xlsx or csv)")
    population.add_argument("--la", required=True, help="the authority's ONS area code, e.g. E08000029")
    population.add_argument("--out", help="reference CSV to merge into (default reference/child_population.csv)")
    population.set_defaults(handler=_reference_population)
    if not _built_in_named(argv, commands.choices):
        _add_plug_ins(commands)
    return top


def _built_in_named(argv: list[str] | None, built_in) -> bool:
    """True when the command line names one of the product's own commands: the plug-ins are then not looked for
    (reading the installed packages' entry points cost ~40 ms of every `assure run`)."""
    words = sys.argv[1:] if argv is None else argv
    named = next((word for word in words if not word.startswith("-")), None)
    return named in built_in


def _add_plug_ins(commands) -> None:
    from importlib.metadata import entry_points

    for plug_in in entry_points(group=COMMAND_PLUG_INS):
        try:
            register = plug_in.load()
        except ImportError:  # a deployment without `synthetic/`: no development commands
            continue
        register(commands)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `assure` command."""
    args = parser(argv).parse_args(argv)
    if args.command == "values" and args.action in ("export", "import") and not args.file:
        print(f"assure values {args.action}: give the CSV file", file=sys.stderr)
        return 2
    try:
        return args.handler(args)
    except ValueError as exc:
        print(f"assure {args.command}: {exc}", file=sys.stderr)
        return 2


def without_teardown() -> Callable[[int], None]:
    """Arm an exit that skips the interpreter's teardown; call what it returns with a finished command's code.

    The teardown frees each of the ~1,100 modules a run imports (pandas, pandera, SQLAlchemy, DuckDB) and collects
    their objects: 0.25 s of a borough's 5 s run, spent after the summary is printed, freeing memory the system
    frees anyway. Every exit handler the command registered still runs (the logging flush, the joins of process
    and thread pools, temporary files' clean-up): this one is registered before them and so runs after them. Then
    the standard streams are flushed and the process exits with the command's code. A command that ended in an
    exception never calls it, and exits as Python does."""
    import atexit

    finished: list[int] = []

    def leave() -> None:
        if not finished:
            return
        if "logging" in sys.modules:  # imported before this was armed: its own exit handler would come after
            sys.modules["logging"].shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
                pass
        os._exit(finished[0])

    atexit.register(leave)
    return finished.append


def console() -> None:
    """The `assure` console script: `main` on the command line's arguments, exiting with its code (and without
    the interpreter's teardown once the command has finished: `without_teardown`)."""
    finish = without_teardown()
    code = main()
    finish(code)
    sys.exit(code)


if __name__ == "__main__":
    console()
