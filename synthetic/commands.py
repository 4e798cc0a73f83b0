"""The development commands of `assure`: `generate` (synthetic landing folders) and `link-train` (retrain the
matching model). They plug into the product's command line through the `assure.commands` entry point
(pyproject.toml), so the product never imports this package.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _generate(args: argparse.Namespace) -> int:
    from synthetic.generate import generate

    summary = generate(Path(args.out), args.period, quarters=args.quarters, scale=args.scale, seed=args.seed)
    print(f"Generated period {summary['period']} (scale {summary['scale']:g}, seed {summary['seed']}) in {args.out}")
    for file in summary["files"]:
        print(f"  {file}")
    print("  rows: " + ", ".join(f"{table} {n}" for table, n in summary["rows"].items()))
    print(f"  injected errors: {summary['errors_total']} (ground truth in {Path(args.out) / summary['truth']})")
    print(f"  child population at this scale: {summary['child_population']} (run with "
          f"ASSURE_CHILD_POPULATION={summary['child_population']} ASSURE_AREA_CODE={summary['area_code']})")
    return 0


def _link_train(args: argparse.Namespace) -> int:
    from synthetic.linkage.train import retrain
    from transforms.people.model import MODEL_PATH

    summary = retrain(Path(args.out or MODEL_PATH), records=args.records, seed=args.seed,
                      landing=Path(args.landing) if args.landing else None)
    print(f"Trained on {summary['records']} generated records ({summary['people']} people) in "
          f"{summary['seconds']:.0f}s -> {args.out or MODEL_PATH}")
    print(f"  on {summary['check_records']} other generated records: precision {summary['precision']:.4f}, "
          f"recall {summary['recall']:.4f}, review queue {summary['review']}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `generate` and `link-train` to the `assure` command's sub-commands."""
    gen = commands.add_parser("generate", help="write synthetic landing folders and their ground truth")
    gen.add_argument("--out", required=True, help="folder to write landing/<agency>/ files and _truth/ into")
    gen.add_argument("--period", required=True, help="quarter, named by its last month, e.g. 2026-09")
    gen.add_argument("--quarters", type=int, default=1, help="number of quarters to write (default 1)")
    gen.add_argument("--scale", type=float, default=1.0, help="1 = a borough of about 48,000 children")
    gen.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    gen.set_defaults(handler=_generate)

    train = commands.add_parser("link-train",
                                help="retrain the matching model on generated records and freeze it as JSON")
    train.add_argument("--out", default=None,
                       help="model file to write (default: the project's transforms/people/model.json)")
    train.add_argument("--records", type=int, default=200_000, help="generated records to train on (default 200000)")
    train.add_argument("--seed", type=int, default=11, help="random seed of the generated records (default 11)")
    train.add_argument("--landing", help="train on the person records of a folder written by `assure generate`")
    train.set_defaults(handler=_link_train)
