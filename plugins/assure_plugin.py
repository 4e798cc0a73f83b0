"""Airflow plugin: the partnership dashboard, the data-quality report and the analyst's workbench inside the Airflow UI.

Glue only: the dashboard and report are the pages `transforms/publish/outputs.py` wrote to
`$ASSURE_OUTPUT_DIR/published/`; the workbench pages are rendered by `transforms.workbench` from the warehouse, and
its actions call `transforms` functions or trigger DAG runs through Airflow's own REST API with the user's token.
The pages hold internal figures and names, so every route requires an authenticated Airflow user (a JWT in the
Authorization header or Airflow's session cookie): Airflow does not authenticate plugin apps by itself. Forms carry a
token derived from the user's JWT, so a page elsewhere cannot post here in the user's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs

from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
from airflow.api_fastapi.core_api.security import get_user
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

PAGE = re.compile(r"^[a-z0-9_\-]+\.html$")  # page names only: never a path
SUBMISSION = re.compile(r"^[0-9a-f]{16}$")
INDICATOR = re.compile(r"^[A-Z]{2,4}-\d{2}[A-Z]?$")
PERIOD = re.compile(r"^\d{4}-\d{2}$")
REPORT = re.compile(r"^data_quality_\d{4}-\d{2}\.html$")
User = Annotated[BaseUser, Depends(get_user)]
TOKEN_COOKIE = "_token"  # Airflow's login cookie (airflow.api_fastapi.auth.managers.base_auth_manager)

app = FastAPI(title="Partnership dataset", dependencies=[Depends(get_user)])


def _out() -> str:
    from transforms import settings

    return str(Path(settings.output_dir()).resolve())


def _url() -> str:
    """The Airflow connection `assure_warehouse` if defined, else ASSURE_WAREHOUSE_URL, else SQLite in the output."""
    from transforms import settings

    try:
        from airflow.models.connection import Connection

        return Connection.get_connection_from_secrets("assure_warehouse").get_uri()
    except Exception:  # no such connection
        return settings.warehouse_url(_out())


def _published() -> Path:
    return Path(_out()) / "published"


def _serve(folder: Path, page: str) -> FileResponse:
    if not PAGE.match(page) or not (folder / page).is_file():
        raise HTTPException(status_code=404, detail="No such page")
    return FileResponse(folder / page, media_type="text/html")


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE, "")


def _csrf(request: Request) -> str:
    return hmac.new(_token(request).encode(), b"assure-workbench-form", hashlib.sha256).hexdigest()[:32]


async def _form(request: Request) -> dict[str, list[str]]:
    """The posted form, after checking its csrf field against the user's token."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    if not hmac.compare_digest((fields.get("csrf") or [""])[0], _csrf(request)):
        raise HTTPException(status_code=403, detail="The form is stale or not from the workbench: reload the page.")
    return fields


def _one(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[0].strip()


def _who(user: BaseUser) -> str:
    return user.get_name()


def _today(given: str | None) -> dt.date:
    return dt.date.fromisoformat(given) if given else dt.date.today()


def _period(given: str | None, today: dt.date) -> str:
    from transforms.dataset import reporting_period
    from transforms.workbench import board

    if given:
        if not PERIOD.match(given):
            raise HTTPException(status_code=400, detail="period: give the quarter as YYYY-MM, e.g. 2026-09")
        return given
    held = board.periods(_url())
    return held[0] if held else reporting_period(today)


def _trigger(request: Request, dag_id: str, conf: dict) -> str:
    """Trigger a DAG run through Airflow's REST API with the user's own token; return a sentence for the page."""
    import httpx

    base = str(request.base_url).rstrip("/")
    try:
        response = httpx.post(f"{base}/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf},
                              headers={"Authorization": f"Bearer {_token(request)}"}, timeout=30)
    except httpx.HTTPError as exc:
        return f"Could not reach Airflow's API to start {dag_id}: {exc}"
    if response.status_code not in (200, 201):
        return f"Airflow refused to start {dag_id} ({response.status_code}): {response.text[:300]}"
    paused = httpx.get(f"{base}/api/v2/dags/{dag_id}", headers={"Authorization": f"Bearer {_token(request)}"},
                       timeout=30).json().get("is_paused")
    run_id = response.json().get("dag_run_id")
    return (f"Started {dag_id} run {run_id}." + (f" {dag_id} is paused in Airflow: unpause it for the run to start."
                                                 if paused else ""))


@app.get("/dashboard/{page}")
def dashboard(page: str) -> FileResponse:
    """A page of the internal dashboard."""
    return _serve(_published() / "dashboard", page)


@app.get("/data-quality/{page}")
def data_quality(page: str) -> FileResponse:
    """The data-quality report of a period, e.g. data_quality_2026-09.html."""
    return _serve(_published(), page)


@app.get("/workbench/")
@app.get("/workbench")
def workbench() -> RedirectResponse:
    """The workbench opens on the submissions board."""
    return RedirectResponse("/assure/workbench/submissions", status_code=307)


@app.get("/workbench/submissions", response_class=HTMLResponse)
def submissions(request: Request, period: str | None = None, today: str | None = None,
                message: str | None = None) -> str:
    """The submissions board of a quarter: who is late, what was refused, feedback, resubmissions, re-run."""
    from transforms.workbench import board, pages

    day = _today(today)
    chosen = _period(period, day)
    return pages.submissions_page(board.board(_url(), chosen, day, _out()), board.periods(_url()), _csrf(request),
                                  message)


@app.get("/workbench/feedback/{name}")
def feedback(name: str) -> FileResponse:
    """A submission's feedback workbook (`<id>.xlsx`) or JSON (`<id>.json`), as the agency received it."""
    from transforms.workbench import board

    submission_id, _, kind = name.partition(".")
    path = board.feedback_file(_url(), _out(), submission_id, kind) if SUBMISSION.match(submission_id) else None
    if path is None:
        raise HTTPException(status_code=404, detail="No feedback for that submission")
    media = "application/json" if kind == "json" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return FileResponse(path, media_type=media, filename=path.name)


@app.post("/workbench/rerun")
async def rerun(request: Request) -> RedirectResponse:
    """Run `agency_returns` again for one file (after a value was mapped, or a fault fixed)."""
    from transforms.workbench import board, pages

    fields = await _form(request)
    row = await run_in_threadpool(board.submission, _url(), _one(fields, "submission_id"))
    if row is None:
        raise HTTPException(status_code=404, detail="No such submission")
    # in a thread: the API answering the trigger is this same server, whose event loop must stay free
    said = await run_in_threadpool(_trigger, request, "agency_returns",
                                   {"file": board.landed_name(row), "period": row["period"]})
    return RedirectResponse(pages.redirect_target("submissions", period=row["period"], message=said), 303)


@app.get("/workbench/matches", response_class=HTMLResponse)
def matches(request: Request, message: str | None = None,
            skip: Annotated[list[str] | None, Query()] = None) -> str:
    """Match review: grey-band pairs side by side, decisions, undo."""
    from transforms.workbench import matches as review
    from transforms.workbench import pages

    skipped = set(skip or [])
    waiting = review.review_pairs(_url())
    waiting = ([p for p in waiting if review.pair_key(p["left"], p["right"]) not in skipped]
               + [p for p in waiting if review.pair_key(p["left"], p["right"]) in skipped])
    return pages.matches_page(waiting, review.review_pairs(_url(), decided=True), review.counts(_url()),
                              _csrf(request), message, sorted(skipped))


@app.post("/workbench/matches/decide")
async def decide_pair(request: Request, user: User) -> RedirectResponse:
    """Record a decision (ACCEPT, REJECT) with its reason and the logged-in user, or skip the pair."""
    from transforms.people import decide
    from transforms.workbench import matches as review
    from transforms.workbench import pages

    fields = await _form(request)
    left, right, decision = _one(fields, "left"), _one(fields, "right"), _one(fields, "decision").upper()
    skipped = fields.get("skip", [])
    if decision == "SKIP":
        return RedirectResponse(pages.redirect_target(
            "matches", skip=[*skipped, review.pair_key(left, right)], message=f"Skipped {left} and {right}."), 303)
    try:
        await run_in_threadpool(decide, _url(), left, right, decision, _one(fields, "reason"), _who(user))
    except ValueError as exc:
        return RedirectResponse(pages.redirect_target("matches", skip=skipped, message=f"Not recorded: {exc}"), 303)
    said = "the same person" if decision == "ACCEPT" else "not the same person"
    return RedirectResponse(pages.redirect_target(
        "matches", skip=skipped, message=f"Recorded: {left} and {right} are {said}. The next reconciliation honours "
                                         "it."), 303)


@app.post("/workbench/matches/undo")
async def undo_pair(request: Request) -> RedirectResponse:
    """Take a decision back: the pair is a question again."""
    from transforms.people import undo
    from transforms.workbench import pages

    fields = await _form(request)
    left, right = _one(fields, "left"), _one(fields, "right")
    try:
        done = await run_in_threadpool(undo, _url(), left, right)
    except ValueError as exc:
        return RedirectResponse(pages.redirect_target("matches", message=f"Not undone: {exc}"), 303)
    said = f"Undone: {left} and {right} await a decision again." if done else "That pair had no decision."
    return RedirectResponse(pages.redirect_target("matches", message=said), 303)


@app.post("/workbench/matches/reconcile")
async def reconcile(request: Request) -> RedirectResponse:
    """Trigger the person_reconciliation DAG, which honours every decision."""
    from transforms.workbench import board, pages

    await _form(request)
    held = await run_in_threadpool(board.periods, _url())
    said = await run_in_threadpool(_trigger, request, "person_reconciliation", {"period": held[0]} if held else {})
    return RedirectResponse(pages.redirect_target("matches", message=said), 303)


@app.get("/workbench/values", response_class=HTMLResponse)
def values(request: Request, agency: str | None = None, period: str | None = None,
           message: str | None = None) -> str:
    """The value map: unmapped values with counts and suggestions; the mappings made."""
    from transforms.workbench import pages
    from transforms.workbench import values as value_page

    return pages.values_page(value_page.page(_url(), agency or None, period or None), _csrf(request), message)


@app.post("/workbench/values/map")
async def map_value(request: Request, user: User) -> RedirectResponse:
    """Map one value of an agency's column to a code (the logged-in user is recorded)."""
    from transforms.ingest import value_map
    from transforms.workbench import pages

    fields = await _form(request)
    try:
        row = await run_in_threadpool(value_map.add, _url(), _one(fields, "agency"), _one(fields, "column"),
                                      _one(fields, "value"), _one(fields, "code"), _who(user))
        said = (f"Mapped {row['agency']} {row['column']} '{row['raw_value']}' to {row['code']}: later files read it; "
                "re-run the file from the submissions board to load it now.")
    except ValueError as exc:
        said = f"Not mapped: {exc}"
    return RedirectResponse(pages.redirect_target("values", message=said), 303)


@app.get("/workbench/commentary", response_class=HTMLResponse)
def commentary_page(request: Request, period: str | None = None, message: str | None = None) -> str:
    """Each indicator's commentary for a quarter: the draft from the numbers and the analyst's text."""
    from transforms.dataset import catalogue, commentary
    from transforms.workbench import board, pages

    chosen = _period(period, dt.date.today())
    return pages.commentary_page(chosen, board.periods(_url()), catalogue(), commentary.final(_url(), chosen),
                                 _csrf(request), message)


@app.post("/workbench/commentary")
async def edit_commentary(request: Request, user: User) -> RedirectResponse:
    """Save the analyst's commentary for an indicator and quarter (or go back to the draft)."""
    from transforms.dataset import commentary
    from transforms.workbench import pages

    fields = await _form(request)
    indicator_id, period = _one(fields, "indicator"), _one(fields, "period")
    text = None if _one(fields, "action") == "draft" else _one(fields, "text")
    try:
        await run_in_threadpool(commentary.edit, _url(), indicator_id, period, text, _who(user))
        said = f"{indicator_id}: " + ("saved" if text else "back to the draft") + "; the next publication carries it."
    except ValueError as exc:
        said = f"Not saved: {exc}"
    return RedirectResponse(pages.redirect_target("commentary", period=period, message=said), 303)


@app.get("/workbench/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_lineage(indicator_id: str, period: str | None = None) -> str:
    """Where a value came from: definition, SQL, numerator and denominator, submissions, queried rows."""
    from transforms.workbench import lineage, pages

    chosen = _period(period, dt.date.today())
    found = lineage.lineage(_url(), indicator_id, chosen) if INDICATOR.match(indicator_id) else None
    if found is None:
        raise HTTPException(status_code=404, detail="No such indicator")
    return pages.lineage_page(found)


@app.get("/{page}")  # last: every other route is matched first
def beside_the_dashboard(page: str) -> FileResponse:
    """The data-quality report where the dashboard's own link finds it (`../data_quality_<period>.html`)."""
    if not REPORT.match(page):
        raise HTTPException(status_code=404, detail="No such page")
    return _serve(_published(), page)


class AssurePlugin(AirflowPlugin):
    """Registers the app under /assure and its pages in the Airflow navigation."""

    name = "assure"
    fastapi_apps = [{"app": app, "url_prefix": "/assure", "name": "Partnership dataset"}]
    external_views = [
        {"name": "Workbench", "href": "assure/workbench/submissions", "destination": "nav",
         "url_route": "workbench"},
        {"name": "Partnership dashboard", "href": "assure/dashboard/index.html", "destination": "nav",
         "url_route": "partnership-dashboard"},
    ]
