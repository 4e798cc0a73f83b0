"""Secrets and pseudonyms: no secret in the repository (a scan of every file git would commit), the compose stack
takes every secret from `.env` with no default, and person_key is a keyed pseudonym whose key comes from the
environment. (The Airflow UI, REST API and plugin pages refusing unauthenticated requests:
tests/dags/test_airflow_live.py; the stack refusing to start without its secrets: tests/deploy/test_compose.py.)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.bad_inputs import HSR_HEADER, PERIOD, hsr_rows, write_xlsx
from transforms import warehouse
from transforms.pipeline import run

PROJECT = Path(__file__).resolve().parents[2]

# Built from pieces so this file never matches itself.
DASHES = "-" * 5
SECRET_PATTERNS = {
    "private key": re.compile(DASHES + r"BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Fernet key": re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9=])"),
    "password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@'\"]+:(?!\$\{|\$\$|\{)[^\s/@'\"]+@"),
    "secret assigned": re.compile(
        r"(?i)\b(?:password|passwd|secret|token|api_?key|fernet_?key|pseudonym_?key)\b[\"']?\s*[:=]\s*[\"']"
        r"(?!\$\{|\{\{)([^\"'\s]{8,})[\"']"),
}
# Values that look like secrets but are not (documented demo values), by file.
ALLOWED = {"transforms/settings.py": {"demo-only-pseudonym-key"}}


def committed_files() -> list[Path]:
    """Every file git would commit: tracked, plus untracked ones not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [PROJECT / name for name in listed if name and (PROJECT / name).is_file()]


def findings(text: str, allowed: set[str] = frozenset()) -> list[str]:
    found = []
    for what, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if value not in allowed and not any(a in match.group(0) for a in allowed):
                found.append(f"{what}: {match.group(0)[:60]}")
    return found


def test_the_scanner_finds_planted_secrets():
    planted = [DASHES + "BEGIN RSA PRIVATE KEY" + DASHES, "AKIA" + "ABCDEFGHIJKLMNOP", "ghp_" + "a1" * 18,
               "xoxb-" + "1234567890-abc", "k" * 43 + "=", "postgresql://app:" + "hunter2@db/warehouse",
               'PASSWORD = "' + 'correct-horse-battery"', "api_key: '" + "0123456789abcdef'"]
    for text in planted:
        assert findings(text), text
    for harmless in ("password: ${POSTGRES_PASSWORD:?set it in .env}", "postgresql://airflow:${POSTGRES_PASSWORD}@x",
                     'os.environ.get("ASSURE_PSEUDONYM_KEY")', "sha256 " + "ab" * 32, 'token = ""'):
        assert not findings(harmless), harmless


def test_no_secret_in_the_repository():
    files = committed_files()
    names = {str(p.relative_to(PROJECT)) for p in files}
    assert ".env.example" in names and ".env" not in names, ".env must never be committed"
    assert ".env" in (PROJECT / ".gitignore").read_text().split()
    problems = []
    for path in files:
        data = path.read_bytes()
        if b"\0" in data[:8192] or len(data) > 5_000_000:
            continue  # binary or generated
        relative = str(path.relative_to(PROJECT))
        problems += [f"{relative}: {f}" for f in findings(data.decode("utf-8", "replace"),
                                                          ALLOWED.get(relative, set()))]
    assert not problems, "\n".join(problems)


def test_every_compose_secret_comes_from_env_without_a_default():
    compose = (PROJECT / "docker-compose.yaml").read_text()
    for name in ("POSTGRES_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_ADMIN_PASSWORD",
                 "ASSURE_PSEUDONYM_KEY"):
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", compose)
        assert uses and all(u.startswith(":?") for u in uses), f"{name} must be required (${{{name}:?...}})"
    example = dict(line.split("=", 1) for line in (PROJECT / ".env.example").read_text().splitlines()
                   if "=" in line and not line.startswith("#"))
    assert all(example[k] == "" for k in ("POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD", "ASSURE_PSEUDONYM_KEY"))


def person_keys(tmp_path: Path, name: str, key: str, monkeypatch) -> pd.DataFrame:
    landing = tmp_path / "landing"
    if not landing.exists():
        write_xlsx(landing / "health" / "referrals.xlsx", {"Referrals": [HSR_HEADER, *hsr_rows()]})
    monkeypatch.setenv("ASSURE_PSEUDONYM_KEY", key)
    url = f"sqlite:///{tmp_path / name / 'warehouse.sqlite'}"
    run(str(landing), PERIOD, str(tmp_path / name), url, progress=lambda line: None)
    with warehouse.engine(url).connect() as conn:
        links = pd.DataFrame(conn.execute(sa.select(warehouse.core_person_link)).mappings().all())
    warehouse.dispose_all()
    return links.sort_values(["source", "record_id"]).reset_index(drop=True)


def test_person_key_is_a_keyed_pseudonym_whose_key_comes_from_the_environment(tmp_path, monkeypatch):
    first = person_keys(tmp_path, "a", "key-one-" + "x" * 24, monkeypatch)
    again = person_keys(tmp_path, "b", "key-one-" + "x" * 24, monkeypatch)
    other = person_keys(tmp_path, "c", "key-two-" + "y" * 24, monkeypatch)
    assert len(first) == len(hsr_rows()) and first["person_key"].nunique() == len(hsr_rows())
    assert first["person_key"].tolist() == again["person_key"].tolist(), "same key, same pseudonyms"
    assert not set(first["person_key"]) & set(other["person_key"]), "another key, other pseudonyms"
    for row in hsr_rows():  # nothing of the person shows through the pseudonym
        for value in (row[1], row[2], row[6], row[3].isoformat()):
            assert not any(str(value).lower() in key.lower() for key in first["person_key"])
    published = (tmp_path / "a" / "published" / f"partnership_dataset_{PERIOD}.csv").read_text()
    assert not any(key in published for key in first["person_key"])


@pytest.mark.parametrize("name", ["..", "../../etc/passwd", "a/../../b", "$(rm -rf ~)", "x\n\x1b[31m", ""])
def test_safe_name_never_yields_a_path(name):
    from transforms.ingest.register import safe_name

    cleaned = safe_name(name)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", cleaned) and "/" not in cleaned and cleaned not in (".", "..")
