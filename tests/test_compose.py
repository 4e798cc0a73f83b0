"""The compose stack is valid and has no default secrets (checked with Debian's docker-compose when present)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def compose_config(env_text: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`docker-compose config -q` on a copy of the stack with the given .env beside it."""
    shutil.copy(PROJECT / "docker-compose.yaml", tmp_path / "docker-compose.yaml")
    (tmp_path / ".env").write_text(env_text)
    return subprocess.run(["docker-compose", "config", "-q"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, env={k: v for k, v in os.environ.items() if k not in ("POSTGRES_PASSWORD",)})


@pytest.mark.skipif(shutil.which("docker-compose") is None and os.environ.get("CI") != "true",
                    reason="docker-compose not installed (CI installs it)")
def test_compose_is_valid_and_refuses_to_start_without_secrets(tmp_path):
    assert compose_config("POSTGRES_PASSWORD=x\nASSURE_PSEUDONYM_KEY=y\n", tmp_path).returncode == 0
    refused = compose_config("ASSURE_PSEUDONYM_KEY=y\n", tmp_path)
    assert refused.returncode != 0 and "POSTGRES_PASSWORD" in refused.stderr
