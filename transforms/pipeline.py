"""The stages of DESIGN.md section 2 as plain functions with explicit arguments.

`assure run` calls `run()`, which calls the stage functions in order; the Airflow DAG in `dags/` calls the
very same stage functions, one task each. Stages hand each other the typed records of `transforms.handoff`
(paths and counts), never DataFrames.
"""

from __future__ import annotations

import datetime as dt
import errno
import shlex
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from transforms import STAGES, settings, warehouse
from transforms.dataset import compute_indicators, parse_period
from transforms.feedback import write_feedback
from transforms.handoff import IngestResult, Submission
from transforms.ingest import refuse, register, survey, validate_submission, value_map
from transforms.load import crosscheck, load_submission
from transforms.operations import (
    Beside,
    WorkerDied,
    beside,
    in_chain_order,
    notify_failure,
    run_chains,
    stopwatch,
    writing_turn,
)
from transforms.people import Prepared, prepare, reconcile
from transforms.publish import publish, release

# A stage run beside the stages after it, collected when the stage named here has finished: the checks across
# returns touch no table reconciliation reads or writes; the indicators need both (DQ-01 counts queried rows).
OVERLAPPED = {"crosscheck": "reconcile"}
COUNTS = ("rows_read", "rows_accepted", "rows_rejected", "rows_queried")
# System failures (not bad input): the run stops with a message for the operator, never a traceback.
SYSTEM_FAILURES = (OSError, warehouse.WarehouseUnavailable, sa.exc.SQLAlchemyError)
# Failures every later file would meet too (the disk full, read-only or failing): they stop the run. Any other
# failure while ingesting a file is that file's alone: it is marked failed and the run goes on (DESIGN.md 9).
STOPPING_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})
FAILED = "FAILED"


class RunFailed(RuntimeError):
    """The system failed (disk, warehouse): what failed, on which file, and what to do, for the operator."""


def printable(text: str) -> str:
    """A file name safe to print: control characters (line breaks, terminal escapes) shown as `?`."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def describe(exc: BaseException) -> str:
    """A one-line account of a system failure."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"the disk is full ({exc.strerror or 'No space left on device'})"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}{f' ({exc.filename})' if exc.filename else ''}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def stops_the_run(exc: BaseException) -> bool:
    """True for a failure no later file could escape: the warehouse unreachable through every retry, or the disk
    full, read-only or failing. Anything else that goes wrong with one file is that file's failure."""
    if isinstance(exc, warehouse.WarehouseUnavailable):
        return True
    if isinstance(exc, sa.exc.DBAPIError) and warehouse.is_transient(exc):
        return True
    return isinstance(exc, OSError) and exc.errno in STOPPING_ERRNOS


def new_run_id() -> str:
    """A unique id for one pipeline run (recorded in `ops_run` and on each indicator value)."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def now() -> str:
    """UTC time stamp for ops records."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def ingest_file(path: str, agency: str, period: str, out_dir: str, warehouse_url: str,
                registered: Submission | None = None) -> dict:
    """register -> read/map/validate -> feedback -> load for one landed file; return the submission summary.
    `registered`: the file's registration when it was made already (`assure run` registers every file in landing
    order first, so arrival times keep that order however the files are then spread over processes).

    The submission is marked loaded only by the load, the last step: if anything before fails, the file is
    picked up again by the next run. A failure that would stop every file (`stops_the_run`) raises RunFailed naming
    the step and the file; any other failure is this file's alone: it is recorded (`failed_file`) and the summary's
    status is FAILED, so the run goes on with the other files.
    """
    landed = f"{agency}/{printable(Path(path).name)}"
    step, submission = "registering", registered
    try:
        if submission is None:
            with in_chain_order(), writing_turn(), stopwatch.step("ingest/register"):
                submission = register(path, agency, period, out_dir, warehouse_url)
        step = "validating"
        result = validate_submission(submission, out_dir, mapped=value_map.load(warehouse_url, submission.agency))
        # what follows compares with and replaces the agency's earlier file: only once that one is done
        with in_chain_order():
            step = "writing the feedback for"
            with stopwatch.step("ingest/feedback", result.rows_read):
                feedback = write_feedback(result, out_dir, warehouse_url)
            step = "loading"
            with writing_turn(), stopwatch.step("ingest/load", result.rows_accepted):
                load_submission(result, warehouse_url)
    except Exception as exc:  # noqa: BLE001 (one file's failure, whatever it is, must not block the others)
        if stops_the_run(exc):
            raise RunFailed(f"{step} {landed} failed: {describe(exc)}. This file was not marked as loaded; "
                            "fix the cause and run again (files already loaded are not duplicated).") from exc
        with in_chain_order(), writing_turn():
            return failed_file(landed, agency, Path(path).name, submission,
                               f"{step} the file failed: {describe(exc)}", warehouse_url)
    return {**summarise(result, feedback), "landed": landed}


def registered_in_order(item: dict, period: str, out_dir: str, warehouse_url: str) -> Submission | None:
    """Register one landed file here, before the files are spread over processes; None when registering fails
    (`ingest_file` registers it again and reports the failure as it reports any other)."""
    try:
        with stopwatch.step("ingest/register"):
            return register(item["path"], item["agency"], period, out_dir, warehouse_url)
    except Exception:  # noqa: BLE001 (said once, by ingest_file, with the file's name and the step)
        return None


def agency_chains(files: list[dict]) -> list[list[dict]]:
    """The landed files as chains that can run side by side: each agency's files in landing order (a later file of
    an agency compares its issues with, and replaces the rows of, an earlier one once that is loaded); agencies
    share nothing else, so their chains are independent."""
    chains: dict[str, list[dict]] = {}
    for item in files:
        chains.setdefault(item["agency"], []).append(item)
    return list(chains.values())


def _bytes(item: dict) -> int:
    """What a file has to read (its size): the weight that hands the heaviest files out first (a file gone since
    the survey weighs nothing; ingest_file says it is gone)."""
    path = Path(item["path"])
    return path.stat().st_size if path.is_file() else 0


def failed_file(landed: str, agency: str, name: str, submission, reason: str, warehouse_url: str) -> dict:
    """Record one file's failure (status FAILED on its registration, not loaded, and a row in `ops_failure`) and
    return its summary. Recording is best effort: the failure may be the warehouse refusing this file's data."""
    submission_id = submission.submission_id if submission is not None else ""
    try:
        if submission is not None:
            table = warehouse.raw_submission
            with warehouse.engine(warehouse_url).begin() as conn:
                conn.execute(table.update().where(table.c.submission_id == submission_id, table.c.loaded == 0)
                             .values(status=FAILED, reason=reason[:2000]))
        notify_failure(warehouse_url, "assure run", f"ingest {landed}", submission_id or "-", reason)
    except Exception:  # noqa: BLE001,S110 (the run summary and the exit code still say which file failed)
        pass
    return {"submission_id": submission_id or f"failed:{landed}", "agency": agency, "file": name, "status": FAILED,
            "reason": reason, "rule_id": None, "feedback": {}, "landed": landed, **dict.fromkeys(COUNTS, 0)}


def summarise(result: IngestResult, feedback: dict) -> dict:
    """The part of a submission's result the run summary and the DAG need."""
    return {"submission_id": result.submission_id, "agency": result.agency, "file": result.file_name,
            "status": result.status, "reason": result.reason, "rule_id": result.rule_id,
            "feedback": feedback, **{k: getattr(result, k) for k in COUNTS}}


def check_across_returns(period: str, url: str, out_dir: str,
                         submission_ids: list[str | None]) -> tuple[int, int, list[int], float]:
    """The checks across returns, run beside reconciliation: rows checked, rows queried, each submission's rows
    queried now (the cross-return queries change some feedback counts), and the seconds it took."""
    started = time.perf_counter()
    # retried whole: beside reconciliation, a SQLite warehouse may be busy with the person index's write
    checked = warehouse.retrying(lambda: crosscheck(period, url, out_dir), "the checks across returns")
    warehouse.refresh_statistics(url)
    table = warehouse.raw_submission
    with warehouse.engine(url).connect() as conn:  # every file's count in one query
        held = dict(conn.execute(sa.select(table.c.submission_id, table.c.rows_queried)
                                 .where(table.c.submission_id.in_([s for s in submission_ids if s]))).all())
    queried = [int(held.get(submission_id) or 0) for submission_id in submission_ids]
    return checked["checked"], checked["queried"], queried, time.perf_counter() - started


@dataclass
class RunSummary:
    """What a run did, for the console and for tests."""

    run_id: str
    period: str
    out_dir: str
    warehouse_url: str
    submissions: list[dict] = field(default_factory=list)
    people: int = 0
    person_records: int = 0
    indicator_values: int = 0
    outputs: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # landing entries not read (links, pipes, files at the root)
    released: dict | None = None  # the release of the public profile (`transforms.publish.release`), when approved
    landing_dir: str = ""

    @property
    def failed(self) -> list[dict]:
        """The submissions whose ingestion failed (not loaded: the next run tries them again)."""
        return [s for s in self.submissions if s["status"] == FAILED]

    def totals(self) -> dict:
        """Row counts summed over distinct submissions."""
        unique = {s["submission_id"]: s for s in self.submissions}.values()
        return {k: sum(s[k] for s in unique) for k in COUNTS}

    def text(self) -> str:
        """The summary printed at the end of `assure run`."""
        statuses = {}
        for s in {s["submission_id"]: s for s in self.submissions}.values():
            statuses[s["status"]] = statuses.get(s["status"], 0) + 1
        totals = self.totals()
        lines = [
            f"Run {self.run_id} for period {self.period}",
            f"  files:        {len(self.submissions)} landed, "
            + ", ".join(f"{n} {k.lower()}" for k, n in sorted(statuses.items())),
            f"  rows:         {totals['rows_read']} read = {totals['rows_accepted']} accepted + "
            f"{totals['rows_rejected']} rejected ({totals['rows_queried']} accepted rows queried)",
            f"  people:       {self.person_records} person records -> {self.people} people",
            f"  indicators:   {self.indicator_values} values",
            "  seconds:      " + ", ".join(f"{s.name} {self.seconds[s.name]:.1f}" for s in STAGES
                                           if s.name in self.seconds),
            f"  warehouse:    {self.warehouse_url}",
            f"  feedback:     {Path(self.out_dir) / 'outbox'}",
        ]
        lines += [f"  {name + ':':<13} {path}" for name, path in self.outputs.items()]
        lines += self.release_lines()
        first_landed = {}
        for s in self.submissions:
            landed = s.get("landed") or f"{s['agency']}/{printable(s['file'])}"
            if s["submission_id"] in first_landed:
                lines.append(f"  same bytes:   {landed} is the submission of {first_landed[s['submission_id']]}")
                continue
            first_landed[s["submission_id"]] = landed
            if s["status"] == "QUARANTINED":
                lines.append(f"  quarantined:  {landed}: {s.get('rule_id') or 'FILE'} {printable(s['reason'])}")
            elif s["status"] == FAILED:
                lines.append(f"  failed:       {landed}: {printable(s['reason'])} (not loaded; the next run "
                             "tries it again)")
        lines += [f"  refused:      {printable(line)}" for line in self.refused]
        return "\n".join(lines)

    def release_lines(self) -> list[str]:
        """Whether the public profile was released, and if not, how to release it."""
        if self.released:
            return [f"  {name + ':':<13} {path}" for name, path in self.released["outputs"].items()] + [
                f"  released:     the public profile of {self.period}, approved by "
                f"{printable(self.released['decided_by'])} at {self.released['decided_at']} (recorded in ops_release)"]
        if not self.outputs:
            return []
        given = "" if self.warehouse_url == warehouse.default_url(Path(self.out_dir)) else " --warehouse URL"
        return [f"  public:       not released: the public profile of {self.period} awaits approval. Check the "
                "internal profile above, then release it by running again with --approve (and --by NAME, default the "
                "logged-in user):",
                f"                assure run --landing {shlex.quote(printable(self.landing_dir or 'DIR'))} --period "
                f"{self.period} --out {shlex.quote(printable(self.out_dir))}{given} --approve",
                "                (in Airflow: the approve_release task of partnership_dataset waits for an answer)"]


def run(landing_dir: str, period: str, out_dir: str, warehouse_url: str | None = None,
        progress: Callable[[str], None] = print, approve: str | None = None,
        comment: str | None = None) -> RunSummary:
    """The whole pipeline on everything in the landing folder, for one period: the internal profile is published;
    the public profile is released (and the approval recorded) only when `approve` names who approves it."""
    parse_period(period)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    url = warehouse_url or warehouse.default_url(Path(out_dir))
    summary = RunSummary(new_run_id(), period, str(out_dir), url, landing_dir=str(landing_dir))
    files, refusals = survey(Path(landing_dir))
    summary.refused = refuse(refusals, out_dir)  # links, pipes, devices and files at the root: a note, never read

    def finished(stage: str, items: int, seconds: float) -> None:
        summary.seconds[stage] = seconds
        warehouse.record_stage(url, summary.run_id, period, stage, items, now())

    people_ahead: Prepared | None = None  # the person records prepared while files are ingested side by side

    # Each stage returns (items it handled, for the stopwatch; items recorded in `ops_run`).
    def ingest() -> tuple[int, int]:
        chains = agency_chains(files)
        started, told = time.perf_counter(), 0

        def chain_done(index: int, results: list[dict]) -> None:
            nonlocal told
            for result in results:
                told += 1
                progress(f"      {told}/{len(files)} {result['landed']}: {result['status']}, "
                         f"{result['rows_read']} rows read, {result['rows_rejected']} rejected "
                         f"({time.perf_counter() - started:.1f}s into the stage)")

        processes = settings.ingest_processes()
        # side by side, files would register in whichever order the workers reach them: register them here first
        side_by_side = processes > 1 and len(files) > 1
        nonlocal people_ahead
        people_ahead = Prepared() if side_by_side else None
        registered = {item["path"]: registered_in_order(item, period, out_dir, url) if side_by_side else None
                      for item in files}
        try:
            done = run_chains(ingest_file, [[(item["path"], item["agency"], period, out_dir, url,
                                              registered[item["path"]]) for item in chain] for chain in chains],
                              processes, weights=[[_bytes(item) for item in chain] for chain in chains],
                              finished=chain_done, each=people_loaded if side_by_side else None)
        except WorkerDied as exc:
            names = ", ".join(f"{item['agency']}/{printable(Path(item['path']).name)}"
                              for index in exc.chains for item in chains[index])
            raise RunFailed(f"a process ingesting {'one of ' if len(exc.chains) > 1 else ''}{names} died (killed, "
                            "out of memory, or a crash in a reader): files not marked as loaded are picked up by the "
                            "next run. If it happens again, run with ASSURE_INGEST_PROCESSES=1 to see which file it "
                            "is.") from exc
        by_path = {item["path"]: result for chain, results in zip(chains, done, strict=True)
                   for item, result in zip(chain, results, strict=True)}
        summary.submissions.extend(by_path[item["path"]] for item in files)  # in landing order, as run one by one
        return summary.totals()["rows_read"], len(files)

    def people_loaded(result: dict) -> None:
        """As each file is loaded, its person records read and standardised for reconciliation, in the time this
        process would wait for the ingestion processes (a region's 5 s of reconciliation, half a second of a
        borough's). Best effort: reconciliation reads whatever is not prepared, or has changed since."""
        if result["status"] == FAILED or not result["rows_accepted"]:
            return
        try:
            table = warehouse.raw_submission
            with warehouse.engine(url).connect() as conn:
                return_id = conn.execute(sa.select(table.c.return_id)
                                         .where(table.c.submission_id == result["submission_id"])).scalar()
                if return_id:
                    prepare(conn, period, people_ahead, return_id)
        except SYSTEM_FAILURES:  # the warehouse busy or failing: reconciliation reads it, and says so if it must
            pass

    def link_people() -> tuple[int, int]:
        linked = reconcile(period, url, people_ahead)
        summary.people, summary.person_records = linked["people"], linked["records"]
        return linked["records"], linked["records"]

    def indicators() -> tuple[int, int]:
        summary.indicator_values = compute_indicators(period, url, summary.run_id)["values"]
        return summary.indicator_values, summary.indicator_values

    def alongside(work: Callable, *arguments) -> Future | Beside:
        """Start `work(*arguments)` (a module-level function) while this process goes on; collect it with
        `.result()`: in a forked process when the run may use several, else in a thread here."""
        return beside(work, *arguments) if settings.ingest_processes() > 1 else in_thread.submit(work, *arguments)

    def publications() -> tuple[int, int]:
        # the data-quality report reads only the warehouse: written beside the rest
        summary.outputs = publish(period, url, out_dir, alongside=alongside)
        return 0, len(summary.outputs)

    def beside_the_next(stage: str) -> Future | Beside:
        """Start a stage that runs while the next one does (its stopwatch entry made when it is collected)."""
        work = {"crosscheck": check_across_returns}[stage]
        return alongside(work, period, url, out_dir, [s["submission_id"] for s in summary.submissions])

    def failure(stage: str, exc: BaseException) -> RunFailed:
        return RunFailed(f"the {stage} stage failed: {describe(exc)}. Every file was loaded; fix the cause and run "
                         "again.")

    work = {"ingest": ingest, "reconcile": link_people, "indicators": indicators, "publish": publications}
    running: dict[str, Future | Beside] = {}
    with ThreadPoolExecutor(1, thread_name_prefix="assure-beside") as in_thread:
        for number, stage in enumerate(STAGES, start=1):
            does = f"{len(files)} files ({stage.does})" if stage.name == "ingest" else stage.does
            progress(f"[{number}/{len(STAGES)}] {stage.name}: {does}")
            if stage.name in OVERLAPPED:
                running[stage.name] = beside_the_next(stage.name)
                continue
            try:
                with stopwatch.step(stage.name) as measured:
                    started = time.perf_counter()
                    handled, recorded = work[stage.name]()
                    measured.items += handled
            except SYSTEM_FAILURES as exc:
                if stage.name == "ingest":  # ingest_file has already said which step failed on which file
                    raise
                raise failure(stage.name, exc) from exc
            finished(stage.name, recorded, time.perf_counter() - started)
            for name in [name for name, needed_by in OVERLAPPED.items() if needed_by == stage.name]:
                try:
                    handled, recorded, queried, seconds = running.pop(name).result()
                except SYSTEM_FAILURES as exc:
                    raise failure(name, exc) from exc
                for submission, rows in zip(summary.submissions, queried, strict=True):
                    submission["rows_queried"] = rows  # the cross-return queries changed some feedback counts
                stopwatch.merge({name: stopwatch.Step(seconds, 1, handled)})
                finished(name, recorded, seconds)
    if approve:
        progress(f"[release] the public profile of {period}, approved by {printable(approve)}")
        try:
            summary.released = release(period, url, out_dir, approve, comment=comment, run_id=summary.run_id)
        except SYSTEM_FAILURES as exc:
            raise RunFailed(f"releasing the public profile failed: {describe(exc)}. The internal profile was "
                            "published; fix the cause and run again with --approve.") from exc
    return summary
