"""Every setting of the pipeline in one place: the ASSURE_* environment variables with their defaults, and where the
project's own files (`sql/`, `reference/`) are.

Values are read from the environment on every call, never cached at import, so an operator (or a test) can change
one between runs of the same process. Secrets (the pseudonym key, database passwords) only ever come from here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"
INDICATOR_SQL_DIR = SQL_DIR / "indicators"
WORKING_SQL_DIR = SQL_DIR / "working"
REFERENCE_DIR = PROJECT_ROOT / "reference"

DEFAULT_OUTPUT_DIR = "output"
DEFAULT_LANDING_DIR = "landing"
DEMO_PSEUDONYM_KEY = "demo-only-pseudonym-key"


def _text(name: str) -> str:
    return os.environ.get(name, "").strip()


def _number(name: str, default: float, kind: type = float) -> float:
    """A positive number from the environment, else `default`; a clear ValueError for anything else."""
    text = _text(name)
    if not text:
        return default
    try:
        value = kind(text) if kind is int else float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {text!r}")
    return value


def output_dir(given: str | None = None) -> str:
    """The output folder: `given` (a flag or a DAG parameter), else `ASSURE_OUTPUT_DIR`, else `./output`."""
    return given or _text("ASSURE_OUTPUT_DIR") or DEFAULT_OUTPUT_DIR


def landing_dir(given: str | None = None, default: str | None = DEFAULT_LANDING_DIR) -> str | None:
    """The landing folder: `given`, else `ASSURE_LANDING_DIR`, else `default`."""
    return given or _text("ASSURE_LANDING_DIR") or default


DEFAULT_AREA_CODE = "E08000029"  # Solihull, the demo authority (ONS local authority code)


def area_code() -> str:
    """The authority's ONS area code, which picks its child population: `ASSURE_AREA_CODE`, else Solihull's."""
    return _text("ASSURE_AREA_CODE") or DEFAULT_AREA_CODE


def child_population_csv() -> Path:
    """The child population estimates rates are computed with: `ASSURE_CHILD_POPULATION` (a CSV in the format of
    `reference/child_population.csv`, e.g. the one `assure generate` writes for its scale), else that file."""
    return Path(_text("ASSURE_CHILD_POPULATION") or REFERENCE_DIR / "child_population.csv")


def task_retry_seconds() -> float:
    """Seconds an Airflow task waits before retrying: `ASSURE_TASK_RETRY_SECONDS` (30)."""
    return _number("ASSURE_TASK_RETRY_SECONDS", 30)


def training_modules_csv() -> Path:
    """The partnership's catalogue of training modules, the only module labels published:
    `ASSURE_TRAINING_MODULES` (a CSV in the format of `reference/training_modules.csv`), else that file."""
    return Path(_text("ASSURE_TRAINING_MODULES") or REFERENCE_DIR / "training_modules.csv")


def warehouse_url(out_dir: str | Path) -> str:
    """`ASSURE_WAREHOUSE_URL`, else a SQLite file in the output folder."""
    return _text("ASSURE_WAREHOUSE_URL") or f"sqlite:///{Path(out_dir).resolve() / 'warehouse.sqlite'}"


def warehouse_retries() -> tuple[int, float]:
    """(attempts, seconds): `ASSURE_WAREHOUSE_RETRIES` (3) attempts of a transaction, waiting
    `ASSURE_WAREHOUSE_RETRY_SECONDS` (2) times the attempt number between them."""
    return max(1, int(os.environ.get("ASSURE_WAREHOUSE_RETRIES") or 3)), \
        float(os.environ.get("ASSURE_WAREHOUSE_RETRY_SECONDS") or 2)


def pseudonym_key() -> bytes:
    """`ASSURE_PSEUDONYM_KEY`, the secret behind person keys (a fixed demo key, with a warning, if unset)."""
    key = os.environ.get("ASSURE_PSEUDONYM_KEY")
    if not key:
        print("warning: ASSURE_PSEUDONYM_KEY is not set; using the demo key (not for real data)", file=sys.stderr)
        key = DEMO_PSEUDONYM_KEY
    return key.encode()


def file_limits() -> dict[str, float]:
    """Limits on one landed file: `ASSURE_MAX_FILE_MB` (100), `ASSURE_MAX_ROWS` (1,048,576 per sheet),
    `ASSURE_MAX_UNCOMPRESSED_MB` (1024), `ASSURE_MAX_ZIP_RATIO` (100), `ASSURE_MAX_ZIP_MEMBERS` (2000)."""
    return {"max_file_mb": _number("ASSURE_MAX_FILE_MB", 100), "max_rows": _number("ASSURE_MAX_ROWS", 1_048_576),
            "max_uncompressed_mb": _number("ASSURE_MAX_UNCOMPRESSED_MB", 1024),
            "max_zip_ratio": _number("ASSURE_MAX_ZIP_RATIO", 100),
            "max_zip_members": _number("ASSURE_MAX_ZIP_MEMBERS", 2000)}


def indicator_threads() -> int:
    """Indicator queries at once: `ASSURE_INDICATOR_THREADS`, else one per core up to 4."""
    return max(1, int(os.environ.get("ASSURE_INDICATOR_THREADS") or min(4, os.cpu_count() or 1)))


def ingest_processes() -> int:
    """Processes ingesting landed files at once in `assure run`: `ASSURE_INGEST_PROCESSES`, else one per core up
    to 4 (each holds its largest file's frames in memory; 1 ingests in the run's own process)."""
    return max(1, int(_number("ASSURE_INGEST_PROCESSES", min(4, os.cpu_count() or 1), int)))


def retention() -> tuple[int, int]:
    """(raw days, dataset years): `ASSURE_RETENTION_RAW_DAYS` (730) for archived files,
    `ASSURE_RETENTION_DATASET_YEARS` (7) for staging rows."""
    return int(os.environ.get("ASSURE_RETENTION_RAW_DAYS", "730")), \
        int(os.environ.get("ASSURE_RETENTION_DATASET_YEARS", "7"))


def linkage_memory_limit() -> str:
    """DuckDB's memory limit while matching people: `ASSURE_LINK_MEMORY_LIMIT` (512MB); above it DuckDB spills."""
    return _text("ASSURE_LINK_MEMORY_LIMIT") or "512MB"


def linkage_threads() -> int:
    """DuckDB threads while matching people: `ASSURE_LINK_THREADS` (2)."""
    return int(_text("ASSURE_LINK_THREADS") or 2)


def linkage_temp_dir() -> str | None:
    """Where DuckDB spills while matching: `ASSURE_LINK_TEMP_DIR`, else the system's temporary folder."""
    return _text("ASSURE_LINK_TEMP_DIR") or None
