"""The compose stack is valid and has no default secrets (checked with Debian's docker-compose when present)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def compose_config(env_text: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`docker-compose config -q` on a copy of the stack with the given .env beside it."""
    shutil.copy(PROJECT / "docker-compose.yaml", tmp_path / "docker-compose.yaml")
    (tmp_path / ".env").write_text(env_text)
    return subprocess.run(["docker-compose", "config", "-q"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, env={k: v for k, v in os.environ.items() if k not in ("POSTGRES_PASSWORD",)})


needs_compose = pytest.mark.skipif(shutil.which("docker-compose") is None and os.environ.get("CI") != "true",
                                   reason="docker-compose not installed (CI installs it)")


@needs_compose
def test_compose_is_valid_and_refuses_to_start_without_secrets(tmp_path):
    secrets = {"POSTGRES_PASSWORD": "x", "ASSURE_PSEUDONYM_KEY": "y", "AIRFLOW_FERNET_KEY": "z",
               "AIRFLOW_JWT_SECRET": "w", "AIRFLOW_ADMIN_PASSWORD": "v"}
    full = "".join(f"{k}={v}\n" for k, v in secrets.items())
    assert compose_config(full, tmp_path).returncode == 0, compose_config(full, tmp_path).stderr
    for missing in secrets:
        partial = "".join(f"{k}={v}\n" for k, v in secrets.items() if k != missing)
        refused = compose_config(partial, tmp_path)
        assert refused.returncode != 0 and missing in refused.stderr, missing


@needs_compose
def test_compose_scale_out_profile_adds_redis_and_workers(tmp_path):
    env = "".join(f"{k}=x\n" for k in ("POSTGRES_PASSWORD", "ASSURE_PSEUDONYM_KEY", "AIRFLOW_FERNET_KEY",
                                          "AIRFLOW_JWT_SECRET", "AIRFLOW_ADMIN_PASSWORD"))
    shutil.copy(PROJECT / "docker-compose.yaml", tmp_path / "docker-compose.yaml")
    (tmp_path / ".env").write_text(env)
    done = subprocess.run(["docker-compose", "--profile", "scale-out", "config", "--services"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert {"redis", "airflow-worker", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
            "airflow-triggerer", "airflow-init", "postgres"} <= set(done.stdout.split())
