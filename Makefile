# Every target bootstraps uv itself: a fresh machine needs only Python 3.11 and the package index.
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy
RUN := $(UV) run --locked --no-sync

PERIOD ?= 2026-09
DEMO_DIR ?= build/demo
SEED ?= 7
DEMO_QUARTERS ?= 5

.PHONY: setup demo test test-scale-out lint bench airflow airflow-celery clean

.venv/.synced: pyproject.toml uv.lock
	$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --locked --reinstall-package assure  # the project itself too: its entry points may have changed
	touch $@

setup: .venv/.synced

# Generate a borough's last DEMO_QUARTERS quarters; load the earlier ones quarter after quarter into one warehouse
# (`assure run`), then run the partnership DAG on the latest through Airflow (dag.test, temporary metadata DB): the
# trends show each quarter as computed for itself, with the history earlier quarters hold.
# The generated borough's child population (written by `assure generate`, consistent with its scale) is the rates'
# denominator, under the synthetic area code E99999999.
demo: export ASSURE_CHILD_POPULATION = $(abspath $(DEMO_DIR))/landing/_reference/child_population.csv
demo: export ASSURE_AREA_CODE = E99999999
demo: setup
	rm -rf $(DEMO_DIR)/landing $(DEMO_DIR)/output
	$(RUN) assure generate --out $(DEMO_DIR)/landing --period $(PERIOD) --quarters $(DEMO_QUARTERS) --seed $(SEED)
	for earlier in $$(ls $(DEMO_DIR)/landing/_earlier 2>/dev/null); do \
	  $(RUN) assure run --landing $(DEMO_DIR)/landing/_earlier/$$earlier --period $$earlier \
	    --out $(DEMO_DIR)/output --approve || exit 1; done
	$(RUN) python scripts/run_dag.py --landing $(DEMO_DIR)/landing --out $(DEMO_DIR)/output --period $(PERIOD) \
	  --approve --comment "make demo: released without review (synthetic data)"
	@echo
	@echo "Published dataset: $(DEMO_DIR)/output/published/partnership_dataset_$(PERIOD).csv"
	@echo "Dashboard:         $(DEMO_DIR)/output/published/dashboard/index.html"
	@echo "Public dashboard:  $(DEMO_DIR)/output/published/public/dashboard/index.html (released: --approve)"
	@echo "Agency feedback:   $(DEMO_DIR)/output/outbox/<agency>/"
	@echo "Warehouse:         $(DEMO_DIR)/output/warehouse.sqlite"

# One worker per core (pytest-xdist), each test file whole on one worker so module fixtures are built once.
# tests/scale_out/ has a target of its own (below): it runs Airflow twice over and would hold one worker for minutes.
test: setup
	$(RUN) pytest -q -n auto --maxprocesses 4 --dist loadfile --ignore=tests/scale_out

# The CeleryExecutor with two workers on loopback (Redis, PostgreSQL at 127.0.0.1:5432) against the same DAGs in one
# process: both workers ran the mapped tasks, the warehouses and the published CSV are equal. About 8 minutes.
# Its own temporary folder: other pytest sessions on the machine prune the shared one while it runs.
test-scale-out: setup
	$(RUN) pytest -q -s --basetemp build/scale-out tests/scale_out

lint: setup
	$(RUN) ruff check .

bench: setup
	$(RUN) python benchmarks/run.py

# Airflow on loopback with the project's DAGs and plugin; prints the URL and the admin password. Ctrl-C stops it.
airflow: setup
	$(RUN) python scripts/airflow_local.py

# The same with the CeleryExecutor: Redis, api-server, scheduler, dag-processor, triggerer and two Celery workers,
# each a process of its own; the metadata database on PostgreSQL at 127.0.0.1:5432. Ctrl-C stops everything.
airflow-celery: setup
	$(RUN) python scripts/airflow_celery.py

clean:
	rm -rf build .venv
