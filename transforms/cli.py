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


def _link(args: argparse.Namespace) -> int:
    from transforms.linkage.link import link_file

    summary = link_file(args.in_path, args.out_path, args.review, memory_limit=args.memory_limit)
    print(f"Linked {summary['records']} records into {summary['people']} people in {summary['seconds']:.1f}s "
          f"({summary['review']} pairs for review) -> {args.out_path}")
    return 0


def _link_train(args: argparse.Namespace) -> int:
    from transforms.linkage.train import retrain

    summary = retrain(Path(args.out), records=args.records, seed=args.seed,
                      landing=Path(args.landing) if args.landing else None)
    print(f"Trained on {summary['records']} generated records ({summary['people']} people) in "
          f"{summary['seconds']:.0f}s -> {args.out}")
    print(f"  on {summary['check_records']} other generated records: precision {summary['precision']:.4f}, "
          f"recall {summary['recall']:.4f}, review queue {summary['review']}")
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

    link = commands.add_parser("link", help="reconcile a person file: each record's person_key and match probability")
    link.add_argument("--in", dest="in_path", required=True,
                      help="csv or parquet with record_id, source, first_name, last_name, date_of_birth, sex, "
                           "postcode, nhs_number (upn, address_line, pnc_id, agency optional)")
    link.add_argument("--out", dest="out_path", required=True,
                      help="csv or parquet to write: record_id, person_key, match_probability, source, rule")
    link.add_argument("--review", help="also write the grey-band pairs, with their evidence, to this csv or parquet")
    link.add_argument("--memory-limit", default="512MB", help="DuckDB memory limit while matching (default 512MB)")
    link.set_defaults(handler=_link)

    train = commands.add_parser("link-train",
                                help="retrain the matching model on generated records and freeze it as JSON")
    train.add_argument("--out", default=str(Path(__file__).with_name("linkage") / "model.json"),
                       help="model file to write (default: the project's transforms/linkage/model.json)")
    train.add_argument("--records", type=int, default=200_000, help="generated records to train on (default 200000)")
    train.add_argument("--seed", type=int, default=11, help="random seed of the generated records (default 11)")
    train.add_argument("--landing", help="train on the person records of a folder written by `assure generate`")
    train.set_defaults(handler=_link_train)
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
