"""Start Airflow on loopback with the project's DAGs and plugin (`make airflow`), or prepare its environment.

Usage: python scripts/airflow_local.py [--home DIR] [--port N] [--out DIR] [--landing DIR]
The admin user is `admin`; its password is written to <home>/passwords.json (SimpleAuthManager) and printed, with
the URLs of the UI, the partnership dashboard and the submissions workbench (both pages of the plugin, behind
Airflow's login).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def airflow_env(home: Path, port: int, out: Path, landing: Path) -> dict[str, str]:
    """The environment an Airflow on loopback needs to run this project; a generated landing folder's own child
    population (`_reference/child_population.csv`, written by `assure generate`) is the rates' denominator."""
    generated = landing / "_reference" / "child_population.csv"
    population = ({"ASSURE_CHILD_POPULATION": str(generated), "ASSURE_AREA_CODE": "E99999999"}
                  if generated.is_file() else {})
    return population | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "10",
        "ASSURE_OUTPUT_DIR": str(out),
        "ASSURE_LANDING_DIR": str(landing),
    }


def prepare(home: Path) -> str:
    """Create the home and the admin password (kept if it exists); return the password."""
    home.mkdir(parents=True, exist_ok=True)
    passwords = home / "passwords.json"
    if passwords.exists():
        return json.loads(passwords.read_text())["admin"]
    password = secrets.token_urlsafe(12)
    passwords.write_text(json.dumps({"admin": password}))
    passwords.chmod(0o600)
    return password


def main() -> int:
    """Start `airflow standalone` with the project's environment."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", default=str(PROJECT / "build" / "airflow"))
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--out", default=str(PROJECT / "build" / "demo" / "output"))
    parser.add_argument("--landing", default=str(PROJECT / "build" / "demo" / "landing"))
    args = parser.parse_args()
    home = Path(args.home).resolve()
    password = prepare(home)
    env = {**os.environ, **airflow_env(home, args.port, Path(args.out).resolve(), Path(args.landing).resolve())}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # standalone runs `airflow`
    env["PYTHONUNBUFFERED"] = "1"  # each line as it happens, also when the output goes to a file someone follows
    print(f"Airflow UI: http://127.0.0.1:{args.port}  (user admin, password {password}; stored in "
          f"{home / 'passwords.json'})")
    print(f"Partnership dashboard inside Airflow: http://127.0.0.1:{args.port}/assure/dashboard/index.html")
    print(f"Submissions workbench inside Airflow: http://127.0.0.1:{args.port}/assure/workbench/submissions")
    sys.stdout.flush()
    airflow = str(Path(sys.executable).with_name("airflow"))
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([airflow, "pools", "set", "assure_warehouse", "1", "one writer at a time on the warehouse"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    os.execve(airflow, [airflow, "standalone"], env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
