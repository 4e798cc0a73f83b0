"""`assure`: the command line of the partnership data pipeline (DESIGN.md section 8)."""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from pathlib import Path

from transforms import settings

# Sub-commands that live outside the product (the synthetic data generator and the model's training) register
# themselves under this entry-point group (pyproject.toml), so no product module imports them.
COMMAND_PLUG_INS = "assure.commands"


def _run(args: argparse.Namespace) -> int:
    from transforms import pipeline, warehouse

    landing = settings.landing_dir(args.landing, default=None)
    out = settings.output_dir(args.out)
    if not landing:
        print("assure run: give --landing DIR or set ASSURE_LANDING_DIR", file=sys.stderr)
        return 2
    if not Path(landing).is_dir():
        print(f"assure run: no such landing folder: {landing}", file=sys.stderr)
        return 2
    try:
        summary = pipeline.run(landing, args.period, out, args.warehouse)
    except pipeline.RunFailed as exc:
        print(f"assure run: {exc}", file=sys.stderr)
        return 1
    finally:
        warehouse.dispose_all()
    print(summary.text())
    return 0


def _validate(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    import schemas
    from transforms.feedback import report_content, write_feedback
    from transforms.handoff import Submission
    from transforms.ingest import sha256_of, validate_submission

    path = Path(args.file)
    if not path.is_file():
        print(f"assure validate: no such file: {path}", file=sys.stderr)
        return 2
    sha = sha256_of(path)
    folder = path.resolve().parent.name
    submission = Submission(submission_id=sha[:16], sha256=sha, file_name=path.name, archive_path=str(path),
                            agency=folder if folder in schemas.AGENCIES else None, period=args.period or "",
                            received_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
    out = settings.output_dir(args.out)
    result = validate_submission(submission, out, args.return_id)
    paths = write_feedback(result, out)
    if args.json:
        print(json.dumps(report_content(result), indent=2, ensure_ascii=False))
    else:
        print(f"{path.name}: {result.status} ({result.return_id or 'no return recognised'}), "
              f"{result.rows_read} rows read = {result.rows_accepted} accepted + "
              f"{result.rows_rejected} rejected; {result.rows_queried} queried")
        if result.reason:
            print(f"  problem: {result.reason}")
        print(f"  feedback: {paths['xlsx']}")
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


def parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per action, `--help` on each)."""
    top = argparse.ArgumentParser(prog="assure", description="Partnership data assurance pipeline.")
    commands = top.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the whole pipeline on a landing folder")
    run.add_argument("--landing", help="landing folder with one sub-folder per agency (or ASSURE_LANDING_DIR)")
    run.add_argument("--period", required=True, help="quarter, named by its last month, e.g. 2026-09")
    run.add_argument("--warehouse", help="SQLAlchemy URL (or ASSURE_WAREHOUSE_URL; default SQLite in --out)")
    run.add_argument("--out", help="output folder (or ASSURE_OUTPUT_DIR; default ./output)")
    run.set_defaults(handler=_run)

    check = commands.add_parser("validate", help="validate one file without loading it, and write its feedback")
    check.add_argument("file", help="the spreadsheet to check")
    check.add_argument("--return", dest="return_id", help="the return it holds (default: recognised from headers)")
    check.add_argument("--json", action="store_true", help="print the feedback as JSON")
    check.add_argument("--period", help="the quarter the file is for, e.g. 2026-09 (recorded in the feedback)")
    check.add_argument("--out", help="output folder for the feedback (or ASSURE_OUTPUT_DIR; default ./output)")
    check.set_defaults(handler=_validate)

    rules = commands.add_parser("rules", help="print the rule catalogue (every validation rule of every return)")
    rules.add_argument("--format", choices=("markdown", "csv"), default="markdown", help="default markdown")
    rules.add_argument("--return", dest="return_id", help="only this return's rules, e.g. police_ppn")
    rules.set_defaults(handler=_rules)

    templates = commands.add_parser("templates", help="write a blank submission template for each bespoke return")
    templates.add_argument("--out", required=True, help="folder to write <return_id>.xlsx into")
    templates.set_defaults(handler=_templates)

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
    for plug_in in entry_points(group=COMMAND_PLUG_INS):
        try:
            register = plug_in.load()
        except ImportError:  # a deployment without `synthetic/`: no development commands
            continue
        register(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `assure` command."""
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except ValueError as exc:
        print(f"assure {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
