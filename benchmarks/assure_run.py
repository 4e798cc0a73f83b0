"""`assure run` exactly as its console script runs it (`transforms.cli:main`), and at exit the stopwatch's figures.

`make bench` times this process from its start to its exit, so interpreter start-up and imports are part of the
figure, as they are for an analyst typing `assure run`. The only addition is the JSON file named by
ASSURE_BENCH_STEPS: every stage and ingestion step, its seconds, items and peak resident memory (stage times are
wall time in the main process; a step done inside ingestion workers is summed over them).
"""

from __future__ import annotations

import json
import os
import sys

from transforms.operations import stopwatch


def main(argv: list[str]) -> int:
    """Run `assure` with `argv` as its console script does; write the measurements to ASSURE_BENCH_STEPS; return its
    exit code."""
    stopwatch.track_memory()
    from transforms.cli import main as assure
    from transforms.cli import without_teardown

    finish = without_teardown()  # as `cli.console` does
    try:
        code = assure(argv)
    finally:
        with open(os.environ["ASSURE_BENCH_STEPS"], "w") as handle:
            json.dump({name: vars(step) for name, step in stopwatch.measurements().items()}, handle)
    finish(code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
