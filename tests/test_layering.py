"""Business logic stays plain: nothing in transforms/ or schemas/ imports Airflow."""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def airflow_imports(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            names += [n.split(".")[0] for n in names]
            if "airflow" in names or any(n.startswith("airflow.") for n in names):
                found.append(f"{path.relative_to(folder).as_posix()}:{node.lineno}")
    return found


def test_transforms_and_schemas_do_not_import_airflow():
    assert airflow_imports(PROJECT / "transforms") == []
    assert airflow_imports(PROJECT / "schemas") == []


def test_the_check_itself_finds_an_airflow_import(tmp_path):
    (tmp_path / "bad.py").write_text("import os\nfrom airflow.sdk import dag\n")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "worse.py").write_text("def f():\n    import airflow\n")
    assert airflow_imports(tmp_path) == ["bad.py:2", "nested/worse.py:2"]
