"""Airflow plugin: the partnership dashboard and data-quality report inside the Airflow UI.

Glue only: it serves the pages `transforms/publish/outputs.py` wrote to `$ASSURE_OUTPUT_DIR/published/`. The pages
hold internal-profile figures, so every route requires an authenticated Airflow user (a JWT in the
Authorization header or Airflow's session cookie): Airflow does not authenticate plugin apps by itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from airflow.api_fastapi.core_api.security import get_user
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse

PAGE = re.compile(r"^[a-z0-9_\-]+\.html$")  # page names only: never a path

app = FastAPI(title="Partnership dataset", dependencies=[Depends(get_user)])


def _published() -> Path:
    from transforms import settings

    return Path(settings.output_dir()).resolve() / "published"


def _serve(folder: Path, page: str) -> FileResponse:
    if not PAGE.match(page) or not (folder / page).is_file():
        raise HTTPException(status_code=404, detail="No such page")
    return FileResponse(folder / page, media_type="text/html")


@app.get("/dashboard/{page}")
def dashboard(page: str) -> FileResponse:
    """A page of the internal dashboard."""
    return _serve(_published() / "dashboard", page)


@app.get("/data-quality/{page}")
def data_quality(page: str) -> FileResponse:
    """The data-quality report of a period, e.g. data_quality_2026-09.html."""
    return _serve(_published(), page)


class AssurePlugin(AirflowPlugin):
    """Registers the app under /assure and a link to it in the Airflow navigation."""

    name = "assure"
    fastapi_apps = [{"app": app, "url_prefix": "/assure", "name": "Partnership dataset"}]
    external_views = [{"name": "Partnership dashboard", "href": "assure/dashboard/index.html", "destination": "nav",
                       "url_route": "partnership-dashboard"}]
