"""The warehouse connection: one cached engine per URL (tables created if missing), retries of transactions on
transient failures, and the small bookkeeping writes every stage shares (`ops_run`, statistics).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from transforms import settings
from transforms.warehouse.tables import METADATA, STG_TABLES, ops_run

LOG = logging.getLogger(__name__)
T = TypeVar("T")


def default_url(out_dir: Path) -> str:
    """`ASSURE_WAREHOUSE_URL`, else a SQLite file in the output folder."""
    return settings.warehouse_url(out_dir)


_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _add_missing_columns(eng: sa.Engine) -> None:
    """Columns added to a table since the warehouse was created, added to it (nullable ones only: old rows read
    as NULL). A column that could not be NULL cannot be added to rows that lack it: that needs a migration."""
    inspector = sa.inspect(eng)
    present = set(inspector.get_table_names())
    with eng.begin() as conn:
        for table in METADATA.sorted_tables:
            if table.name not in present:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                if not column.nullable:
                    raise RuntimeError(f"warehouse table {table.name} lacks the column {column.name}, which cannot "
                                       "be NULL: migrate the warehouse")
                kind = column.type.compile(dialect=eng.dialect)
                conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}'))
                LOG.info("warehouse: added column %s.%s", table.name, column.name)


def _create_missing_tables(eng: sa.Engine) -> None:
    if eng.dialect.name != "sqlite":
        METADATA.create_all(eng)
        return
    # The driver commits each CREATE on its own (it begins transactions before DML only): a new warehouse's ~60
    # tables and indexes were 60 commits, 0.09 s. One transaction, begun explicitly, commits them together.
    with eng.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        METADATA.create_all(conn)
        conn.commit()


def _create_tables(eng: sa.Engine) -> None:
    for attempt in (1, 2):
        try:
            _create_missing_tables(eng)
            _add_missing_columns(eng)
            return
        except sa.exc.DBAPIError as exc:
            if attempt == 2 or exc.connection_invalidated or isinstance(exc, sa.exc.InterfaceError):
                raise
            # another process created the tables (or added a column) at the same moment: look again, once
            time.sleep(0.2)


VIEW_SQL_DIR = settings.SQL_DIR / "views"
VIEW_LOCK = 0x61737375726576  # the advisory lock PostgreSQL processes take to replace the views one at a time


def view_definitions() -> dict[str, str]:
    """The reporting views (`sql/views/<name>.sql`, one query each): name -> the query, whole-line comments dropped."""
    definitions = {}
    for path in sorted(VIEW_SQL_DIR.glob("*.sql")):
        lines = [line.rstrip() for line in path.read_text().splitlines() if not line.lstrip().startswith("--")]
        definitions[path.stem] = "\n".join(line for line in lines if line).rstrip(";")
    return definitions


def _view_comment(name: str, query: str) -> str:
    """The view's comment on PostgreSQL: its file's first paragraph and the digest of its query (to tell it
    changed)."""
    words = []
    for line in (VIEW_SQL_DIR / f"{name}.sql").read_text().splitlines():
        if not line.startswith("--") or not line.strip("- "):
            break
        words.append(line[2:].strip())
    return f"{' '.join(words) or name} [assure view {hashlib.sha256(query.encode()).hexdigest()[:16]}]"


def _create_sqlite_views(eng: sa.Engine, definitions: dict[str, str]) -> None:
    """Create each view missing from a SQLite warehouse, or whose stored text differs from its file: drop and create
    in one transaction (SQLite keeps a view's text as given, so a changed file is seen; others see the old view or
    the new one, never none)."""
    wanted = {name: f"CREATE VIEW {name} AS\n{query}" for name, query in definitions.items()}

    def stale(conn: sa.Connection) -> list[str]:
        stored = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'view'").all())
        return [name for name, sql in wanted.items() if stored.get(name) != sql]

    def replace() -> None:
        with eng.connect() as conn:
            if not stale(conn):
                return
            # the driver begins a transaction before DML only: begin one explicitly, taking the write lock, so the
            # drop and the create commit together (and another process replacing them waits, then finds none stale)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                for name in stale(conn):
                    conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
                    conn.exec_driver_sql(wanted[name])
                    LOG.info("warehouse: view %s (re)created from sql/views/", name)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    retrying(replace, "creating the reporting views")


def _postgresql_grants(conn: sa.Connection, name: str) -> list[str]:
    """GRANT statements giving back what other roles hold on a view of the current schema (a view dropped and
    created again would lose them)."""
    rows = conn.execute(sa.text(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.privilege_type, "
        "a.is_grantable FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE n.nspname = current_schema() AND c.relname = :name AND a.grantee <> c.relowner"), {"name": name}).all()
    return [f"GRANT {privilege} ON {name} TO {grantee}" + (" WITH GRANT OPTION" if grantable else "")
            for grantee, privilege, grantable in rows]


def _create_postgresql_views(eng: sa.Engine, definitions: dict[str, str]) -> None:
    """Create each view missing from the PostgreSQL schema, or whose comment names another digest of its query:
    CREATE OR REPLACE (grants and dependent objects kept); when that cannot be (a column removed, renamed or of
    another type), drop and create with the grants given back. One transaction, under an advisory lock: a process
    opening the warehouse at the same moment waits, then finds nothing to do. A view that is current is left alone,
    so opening the warehouse never waits for a report reading it."""
    comments = {name: _view_comment(name, query) for name, query in definitions.items()}
    present_sql = sa.text(
        "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'v'")

    def stale(conn: sa.Connection) -> tuple[dict[str, str | None], list[str]]:
        present = dict(conn.execute(present_sql).all())
        return present, [name for name in definitions if name not in present or present[name] != comments[name]]

    def replace() -> None:
        with eng.connect() as conn:
            if not stale(conn)[1]:
                return
        with eng.begin() as conn:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(VIEW_LOCK)))
            present, names = stale(conn)
            for name in names:
                query = definitions[name]
                if name in present:
                    try:
                        with conn.begin_nested():
                            conn.exec_driver_sql(f"CREATE OR REPLACE VIEW {name} AS\n{query}")
                    except sa.exc.DBAPIError:
                        grants = _postgresql_grants(conn, name)
                        try:
                            with conn.begin_nested():
                                conn.exec_driver_sql(f"DROP VIEW {name}")
                                conn.exec_driver_sql(f"CREATE VIEW {name} AS\n{query}")
                                for grant in grants:
                                    conn.exec_driver_sql(grant)
                        except sa.exc.DBAPIError as exc:  # another object depends on it: keep the old view
                            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
                            LOG.warning("warehouse: view %s left as it was, it could not be replaced (%s)", name,
                                        reason)
                            continue
                else:
                    conn.exec_driver_sql(f"CREATE VIEW {name} AS\n{query}")
                conn.exec_driver_sql(f"COMMENT ON VIEW {name} IS '{comments[name].replace(chr(39), chr(39) * 2)}'")
                LOG.info("warehouse: view %s (re)created from sql/views/", name)

    retrying(replace, "creating the reporting views")


def _create_views(eng: sa.Engine) -> None:
    """The reporting views of `sql/views/` (docs/reporting_views.md), created after the tables they read, and
    replaced where a warehouse holds an older definition. Views no longer in `sql/views/` are left alone."""
    definitions = view_definitions()
    if eng.dialect.name == "postgresql":
        _create_postgresql_views(eng, definitions)
    elif eng.dialect.name == "sqlite":
        _create_sqlite_views(eng, definitions)


def engine(url: str) -> sa.Engine:
    """A cached engine for `url`, with every warehouse table created if missing, then the reporting views."""
    with _ENGINES_LOCK:  # threads of one process share one engine (and create the tables once)
        if url not in _ENGINES:
            parsed = sa.make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # pre-ping: a pooled connection the server dropped (restart, network cut) is replaced, not used and failed
            eng = sa.create_engine(url, pool_pre_ping=True)
            try:
                _create_tables(eng)
                _create_views(eng)
            except Exception:
                eng.dispose()  # not cached: the next call tries again
                raise
            _ENGINES[url] = eng
        return _ENGINES[url]


class WarehouseUnavailable(RuntimeError):
    """The warehouse could not be reached, or stayed busy, through every attempt."""


def is_transient(exc: BaseException) -> bool:
    """True for failures worth retrying: a lost or refused connection, or a SQLite database locked by a writer."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if "sqlite" in type(exc.orig).__module__:
        return isinstance(exc, sa.exc.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))
    return exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)


def retrying(action: Callable[[], T], what: str) -> T:
    """Run `action` (one whole transaction) again after a transient failure; WarehouseUnavailable at the end.

    `ASSURE_WAREHOUSE_RETRIES` attempts (default 3), waiting `ASSURE_WAREHOUSE_RETRY_SECONDS` (default 2) times
    the attempt number between them. Each attempt is a new transaction: a failed one was rolled back whole.
    """
    attempts, wait = settings.warehouse_retries()
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except sa.exc.DBAPIError as exc:
            if not is_transient(exc):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            if attempt == attempts:
                raise WarehouseUnavailable(f"{what}: the warehouse failed {attempts} times ({reason}); nothing of "
                                           "this step was written. Check the warehouse and run again.") from exc
            LOG.warning("%s: attempt %d of %d failed (%s); retrying", what, attempt, attempts, reason)
            time.sleep(wait * attempt)
    raise AssertionError("unreachable")


_INHERITED: list[sa.Engine] = []  # a forked process's copy of its parent's engines: kept, never used or closed


def forget_engines() -> None:
    """In a forked process: stop using the parent's cached engines, so this process connects afresh. They are kept
    referenced, never closed: closing a copied connection would end the parent's session (PostgreSQL) or release
    what SQLite holds for it."""
    _INHERITED.extend(_ENGINES.values())
    _ENGINES.clear()


def dispose_all() -> None:
    """Close every cached engine (tests and the end of a CLI run)."""
    for eng in _ENGINES.values():
        eng.dispose()
    _ENGINES.clear()


def record_stage(url: str, run_id: str, period: str, stage: str, items: int, finished_at: str) -> None:
    """Note in `ops_run` that a stage of a run finished, and how many items it handled."""
    with engine(url).begin() as conn:
        conn.execute(ops_run.delete().where(ops_run.c.run_id == run_id, ops_run.c.stage == stage))
        conn.execute(ops_run.insert().values(run_id=run_id, period=period, stage=stage, items=items,
                                             finished_at=finished_at))


def refresh_statistics(url: str) -> None:
    """ANALYZE the staging tables after loading, so the planner knows what each index is worth.

    Without statistics PostgreSQL takes seconds instead of milliseconds over freshly loaded tables, and SQLite
    walks the period index (which every row of a one-period table matches) instead of the submission index or a
    plain scan: measured at scale 14, the indicator queries took 36 s without and 28 s with (0.7 s to ANALYZE).
    """
    eng = engine(url)
    with eng.begin() as conn:
        for table in STG_TABLES.values():
            conn.execute(sa.text(f"ANALYZE {table.name}"))
