"""`assure`: the command line of the partnership data pipeline (DESIGN.md section 8)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _generate(args: argparse.Namespace) -> int:
    from transforms.generate import generate

    summary = generate(Path(args.out), args.period, quarters=args.quarters, scale=args.scale, seed=args.seed)
    print(f"Generated period {summary['period']} (scale {summary['scale']:g}, seed {summary['seed']}) in {args.out}")
    for file in summary["files"]:
        print(f"  {file}")
    print("  rows: " + ", ".join(f"{table} {n}" for table, n in summary["rows"].items()))
    print(f"  injected errors: {summary['errors_total']} (ground truth in {Path(args.out) / summary['truth']})")
    return 0


def _run(args: argparse.Namespace) -> int:
    from transforms import pipeline, warehouse

    landing = args.landing or os.environ.get("ASSURE_LANDING_DIR")
    out = args.out or os.environ.get("ASSURE_OUTPUT_DIR") or "output"
    if not landing:
        print("assure run: give --landing DIR or set ASSURE_LANDING_DIR", file=sys.stderr)
        return 2
    summary = pipeline.run(landing, args.period, out, args.warehouse)
    print(summary.text())
    warehouse.dispose_all()
    return 0


def _validate(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    import schemas
    from transforms.feedback import report_content, write_feedback
    from transforms.ingest import validate_submission
    from transforms.register import sha256_of

    path = Path(args.file)
    if not path.is_file():
        print(f"assure validate: no such file: {path}", file=sys.stderr)
        return 2
    sha = sha256_of(path)
    folder = path.resolve().parent.name
    submission = {"submission_id": sha[:16], "sha256": sha, "file_name": path.name, "archive_path": str(path),
                  "agency": folder if folder in schemas.AGENCIES else None, "period": args.period or "",
                  "received_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
    out = args.out or os.environ.get("ASSURE_OUTPUT_DIR") or "output"
    result = validate_submission(submission, out, args.return_id)
    paths = write_feedback(result, out)
    if args.json:
        print(json.dumps(report_content(result), indent=2, ensure_ascii=False))
    else:
        print(f"{path.name}: {result['status']} ({result.get('return_id') or 'no return recognised'}), "
              f"{result['rows_read']} rows read = {result['rows_accepted']} accepted + "
              f"{result['rows_rejected']} rejected; {result['rows_queried']} queried")
        if result.get("reason"):
            print(f"  problem: {result['reason']}")
        print(f"  feedback: {paths['xlsx']}")
    return 0


def _rules(args: argparse.Namespace) -> int:
    from transforms.rule_catalogue import render, rule_catalogue

    sys.stdout.write(render(rule_catalogue(args.return_id), args.format))
    return 0


def _templates(args: argparse.Namespace) -> int:
    from transforms.templates import write_templates

    for path in write_templates(Path(args.out)):
        print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per action, `--help` on each)."""
    top = argparse.ArgumentParser(prog="assure", description="Partnership data assurance pipeline.")
    commands = top.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write synthetic landing folders and their ground truth")
    gen.add_argument("--out", required=True, help="folder to write landing/<agency>/ files and _truth/ into")
    gen.add_argument("--period", required=True, help="quarter, named by its last month, e.g. 2026-09")
    gen.add_argument("--quarters", type=int, default=1, help="number of quarters to write (default 1)")
    gen.add_argument("--scale", type=float, default=1.0, help="1 = a borough of about 48,000 children")
    gen.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    gen.set_defaults(handler=_generate)

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
