"""Start Airflow with the CeleryExecutor on loopback (`make airflow-celery`): Redis as the broker, a PostgreSQL metadata
database, and the api-server, scheduler, dag-processor, triggerer and two Celery workers, each a process of its own
as they would be on separate machines. Prints the URL and the admin password as `make airflow` does; Ctrl-C stops
every process it started.

Usage: python scripts/airflow_celery.py [--home DIR] [--port N] [--out DIR] [--landing DIR] [--workers N]
       [--metadata-db NAME] [--warehouse URL]

- Redis is Debian's `redis-server`, on 127.0.0.1 and a free port, with no persistence (the broker holds only
  queued task messages; Airflow's state is in the metadata database).
- The metadata database is `--metadata-db` (default `assure_airflow_celery`) on the PostgreSQL server of
  `ASSURE_AIRFLOW_PG` (default `postgresql+psycopg://postgres@127.0.0.1:5432`), created when missing and kept:
  every process (and every machine, in a real deployment) must reach the same one, which SQLite cannot offer.
- Each worker names itself (`celery-worker-1`, `celery-worker-2`): `[core] hostname_callable` is `worker_hostname`
  below, so the task instances record which worker ran them (the Grid's "Hostname", the REST API's `hostname`).
- The warehouse is `--warehouse` (the Airflow connection `assure_warehouse`, as in docker-compose.yaml), else
  `ASSURE_WAREHOUSE_URL`, else SQLite in the output folder: fine while every worker is on this machine, but workers
  on other machines need PostgreSQL.

The scale-out test (tests/scale_out/) starts the same stack through `AirflowStack`, once with the CeleryExecutor and
once with the LocalExecutor (no workers), and compares what the two runs wrote.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.airflow_local import airflow_env, prepare

PROJECT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("ASSURE_AIRFLOW_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_ADMIN_DATABASE = "test"  # the database an administrative connection opens (CREATE/DROP DATABASE run from it)
WORKER_NAME = "ASSURE_WORKER_NAME"  # the environment variable `worker_hostname` reads
STOP_SECONDS = 20  # a service's grace after SIGTERM before it is killed


def worker_hostname() -> str:
    """Airflow's `[core] hostname_callable` in this stack: the process's own name from ASSURE_WORKER_NAME (each
    Celery worker has its own, so two workers on one machine are told apart), else the machine's name."""
    return os.environ.get(WORKER_NAME) or socket.getfqdn()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_conninfo(database: str) -> str:
    """A libpq URL for psycopg from PG_SERVER (which names SQLAlchemy's driver) and a database."""
    return f"{PG_SERVER.replace('postgresql+psycopg://', 'postgresql://', 1)}/{database}"


def postgres_reachable() -> bool:
    """True when the PostgreSQL server of PG_SERVER answers."""
    import psycopg

    try:
        with psycopg.connect(_pg_conninfo(PG_ADMIN_DATABASE), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def create_database(name: str, fresh: bool = False) -> str:
    """Create the database `name` on PG_SERVER when missing (dropped first when `fresh`); return its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(_pg_conninfo(PG_ADMIN_DATABASE), autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(name: str) -> None:
    """Drop the database `name` on PG_SERVER, closing any connection still open to it."""
    import psycopg

    with psycopg.connect(_pg_conninfo(PG_ADMIN_DATABASE), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class AirflowStack:
    """Airflow as separate processes on loopback, each in its own process group with its own log in `home/logs/`:
    api-server, scheduler, dag-processor, triggerer, plus Redis and `workers` Celery workers for the CeleryExecutor
    (none for the LocalExecutor, whose scheduler runs the tasks itself). `start()` returns once the API answers and
    every worker replied to a ping; `stop()` (also on leaving a `with` block) ends every process it started.

    `use_schedules=False` makes the scheduler create no run of its own (`[scheduler] use_job_schedule`: no timetable
    run, no asset-triggered run), so the runs are exactly those triggered through the API."""

    def __init__(self, home: Path, out: Path, landing: Path, metadata_url: str, *, executor: str = "CeleryExecutor",
                 workers: int = 2, concurrency: int = 2, port: int | None = None, warehouse_url: str | None = None,
                 use_schedules: bool = True):
        self.home, self.out, self.landing = Path(home).resolve(), Path(out).resolve(), Path(landing).resolve()
        self.metadata_url, self.executor, self.concurrency = metadata_url, executor, concurrency
        self.workers = workers if executor == "CeleryExecutor" else 0
        self.port = port or free_port()
        self.warehouse_url, self.use_schedules = warehouse_url, use_schedules
        self.logs = self.home / "logs"
        self.redis_port: int | None = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.password = ""
        self._lock = threading.Lock()

    @property
    def base(self) -> str:
        """The api-server's URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def worker_names(self) -> list[str]:
        """The Celery workers' names, which they record as the hostname of every task instance they run."""
        return [f"celery-worker-{number}" for number in range(1, self.workers + 1)]

    def environment(self) -> dict[str, str]:
        """The environment every process of the stack shares (secrets are made once per stack)."""
        if not hasattr(self, "_secrets"):
            self._secrets = {"jwt": secrets.token_urlsafe(32), "api": secrets.token_urlsafe(32)}
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env |= airflow_env(self.home, self.port, self.out, self.landing)
        env |= {
            "AIRFLOW__CORE__EXECUTOR": self.executor,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.metadata_url,
            # Airflow's async engine would take asyncpg (not installed) for PostgreSQL: psycopg 3 is async as well
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": self.metadata_url.replace("+psycopg:", "+psycopg_async:", 1),
            # tasks on a worker reach Airflow only through the api-server's execution API, authenticated by a token
            # the scheduler signs: every process must share the signing secret
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": self._secrets["jwt"],
            "AIRFLOW__API__SECRET_KEY": self._secrets["api"],
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "scripts.airflow_celery.worker_hostname",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(self.use_schedules),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        if not hasattr(self, "_log_ports"):  # not Airflow's fixed 8793/8794: another Airflow here may hold them
            self._log_ports = {"worker": free_port(), "trigger": free_port()}
        env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(self._log_ports["worker"])
        env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(self._log_ports["trigger"])
        if self.redis_port:
            env["AIRFLOW__CELERY__BROKER_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
            env["AIRFLOW__CELERY__RESULT_BACKEND"] = f"db+{self.metadata_url}"
            # a task still unacknowledged after this long is handed to another worker: a day, far above any task
            # here (a region's largest file takes under a minute), stated so the provider need not warn of it
            env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT"] = "86400"
        if self.warehouse_url:
            env["AIRFLOW_CONN_ASSURE_WAREHOUSE"] = self.warehouse_url
        return env

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start one service in a process group of its own (so stopping it reaches every child it forked)."""
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{name}.log", "ab") as log, self._lock:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=env or self.environment(), cwd=self.home, start_new_session=True)
            self.processes[name] = process
        return process

    def _airflow(self, *args: str) -> list[str]:
        return [str(Path(sys.executable).with_name("airflow")), *args]

    def start(self, timeout: float = 240) -> None:
        """Start every service and wait until the stack can run tasks; on any failure stop what was started."""
        try:
            self.password = prepare(self.home)
            if self.executor == "CeleryExecutor":
                self._start_redis()
            env = self.environment()
            for step in (("db", "migrate"),
                         ("pools", "set", "assure_warehouse", "1", "one writer at a time on the warehouse")):
                done = subprocess.run(self._airflow(*step), env=env, cwd=self.home, capture_output=True, text=True)
                if done.returncode:
                    raise RuntimeError(f"airflow {' '.join(step)} failed: {(done.stdout + done.stderr)[-3000:]}")
            for service in ("api-server", "scheduler", "dag-processor", "triggerer"):
                self._spawn(service, self._airflow(service), env)
            for name in self.worker_names:
                # each worker serves its task logs on a port of its own: two on one machine cannot share 8793
                worker_env = env | {WORKER_NAME: name, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
                self._spawn(name, self._airflow("celery", "worker", "--celery-hostname", f"{name}@%h",
                                                "--concurrency", str(self.concurrency)), worker_env)
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if not redis:
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.redis_port = free_port()
        # loopback only, no password needed there; no RDB snapshots, no append-only file: nothing outlives the stack
        self._spawn("redis", [redis, "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
                              "--appendonly", "no", "--dir", str(self.home)])

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited ({process.returncode}): {self.log_tail(name)}")
            if self._healthy() and set(self.responding_workers()) >= set(self.worker_names):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack was not ready within {timeout:.0f}s; api-server: "
                                   f"{self.log_tail('api-server')}")
            time.sleep(2)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/api/v2/monitor/health", timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def responding_workers(self) -> list[str]:
        """The names of the Celery workers that answer a ping through the broker now."""
        if not self.redis_port:
            return []
        from celery import Celery

        app = Celery(broker=f"redis://127.0.0.1:{self.redis_port}/0")
        try:
            replies = app.control.ping(timeout=1.0) or []
        except Exception:  # the broker not up yet
            return []
        finally:
            app.close()
        return sorted(name.split("@", 1)[0].removeprefix("celery@") for reply in replies for name in reply)

    def log_tail(self, name: str, characters: int = 3000) -> str:
        """The end of one service's log."""
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-characters:] if path.is_file() else ""

    def stop(self) -> None:
        """Stop every process started, workers first (they finish what they hold), then the rest, Redis last:
        SIGTERM to its process group, SIGKILL after STOP_SECONDS."""
        with self._lock:
            order = sorted(self.processes, key=lambda n: (not n.startswith("celery-worker"), n == "redis"))
            for name in order:
                _signal(self.processes[name], signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            for name in order:
                process = self.processes[name]
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
                _signal(process, signal.SIGKILL)  # whatever of its group is left: forked task processes included
                process.wait()
            self.processes.clear()

    def __enter__(self) -> AirflowStack:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)  # its own group (start_new_session): the pid is the group's id
    except ProcessLookupError:
        pass


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Start the stack, print where it is, and stop it on Ctrl-C (or SIGTERM)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", default=str(PROJECT / "build" / "airflow-celery"))
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--out", default=str(PROJECT / "build" / "demo" / "output"))
    parser.add_argument("--landing", default=str(PROJECT / "build" / "demo" / "landing"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--metadata-db", default="assure_airflow_celery")
    parser.add_argument("--warehouse", help="the warehouse URL (default: ASSURE_WAREHOUSE_URL, else SQLite in --out)")
    args = parser.parse_args()
    if not postgres_reachable():
        print(f"PostgreSQL does not answer at {PG_SERVER}: the CeleryExecutor needs a metadata database every process "
              "reaches (set ASSURE_AIRFLOW_PG)", file=sys.stderr)
        return 1
    stack = AirflowStack(Path(args.home), Path(args.out), Path(args.landing), create_database(args.metadata_db),
                         workers=args.workers, port=args.port, warehouse_url=args.warehouse)
    # Ctrl-C and `kill` stop the stack alike; SIGINT set explicitly, as a shell's background job starts it ignored
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        print(f"Starting Redis, the api-server, scheduler, dag-processor, triggerer and {stack.workers} Celery "
              f"workers (logs in {stack.logs}) ...", flush=True)
        stack.start()
        print(f"Airflow UI: {stack.base}  (user admin, password {stack.password}; stored in "
              f"{stack.home / 'passwords.json'})")
        print(f"Partnership dashboard inside Airflow: {stack.base}/assure/dashboard/index.html")
        print(f"Submissions workbench inside Airflow: {stack.base}/assure/workbench/submissions")
        print(f"Executor: CeleryExecutor; broker redis://127.0.0.1:{stack.redis_port}/0; workers "
              f"{', '.join(stack.worker_names)} (the Hostname column of each task instance). Ctrl-C stops everything.",
              flush=True)
        while True:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); stopping the stack. {stack.log_tail(name, 1500)}",
                          file=sys.stderr)
                    return 1
            time.sleep(2)
    except KeyboardInterrupt:
        print("Stopping ...", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
