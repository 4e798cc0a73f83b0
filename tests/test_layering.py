"""The layout holds: business logic stays plain (no Airflow in transforms/ or schemas/), the product never imports
the synthetic data tools, and a stage uses another stage only through what that stage's `__init__` names."""

import ast
import importlib
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PRODUCT = ("transforms", "schemas", "sql", "dags", "plugins")
STAGES = ("ingest", "feedback", "load", "people", "dataset", "publish", "operations", "warehouse")


def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names imported from it) for every import in a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return found


def importers(folder: Path, package: str) -> list[str]:
    """Files under `folder` that import `package` (or anything inside it), as path:line."""
    return [f"{path.relative_to(folder).as_posix()}:{line}"
            for path in sorted(folder.rglob("*.py")) for line, module, _ in imports_of(path)
            if module == package or module.startswith(package + ".")]


def test_transforms_and_schemas_do_not_import_airflow():
    assert importers(PROJECT / "transforms", "airflow") == []
    assert importers(PROJECT / "schemas", "airflow") == []


def test_no_product_module_imports_the_synthetic_data_tools():
    assert [hit for folder in PRODUCT for hit in importers(PROJECT / folder, "synthetic")] == []


def test_the_check_itself_finds_an_import(tmp_path):
    (tmp_path / "bad.py").write_text("import os\nfrom airflow.sdk import dag\n")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "worse.py").write_text(
        "def f():\n    import airflow\n    from synthetic.generate import x\n")
    assert importers(tmp_path, "airflow") == ["bad.py:2", "nested/worse.py:2"]
    assert importers(tmp_path, "synthetic") == ["nested/worse.py:3"]


def test_transforms_top_level_is_small_and_every_folder_has_a_readme():
    modules = sorted(p.name for p in (PROJECT / "transforms").glob("*.py"))
    assert len(modules) <= 5, modules
    for folder in ("transforms", "synthetic", "tests", *(f"transforms/{s}" for s in STAGES),
                   *(p.relative_to(PROJECT).as_posix() for p in (PROJECT / "synthetic").iterdir() if p.is_dir()
                     and not p.name.startswith("__"))):
        assert (PROJECT / folder / "README.md").is_file(), folder


def cross_stage_uses(root: Path) -> list[tuple[str, str, str]]:
    """(file:line, stage, name) for every name one stage of transforms/ imports from another stage."""
    uses = []
    for path in sorted(root.rglob("*.py")):
        own = path.relative_to(root).parts[0]
        for line, module, names in imports_of(path):
            parts = module.split(".")
            if parts[0] != "transforms" or len(parts) < 2 or parts[1] not in STAGES or parts[1] == own:
                continue
            where = f"{path.relative_to(root).as_posix()}:{line}"
            uses += [(where, parts[1], name) for name in (names or [parts[-1]])]
    return uses


def test_a_stage_uses_another_only_through_its_public_surface():
    outside = []
    for where, stage, name in cross_stage_uses(PROJECT / "transforms"):
        public = set(importlib.import_module(f"transforms.{stage}").__all__)
        if name not in public:
            outside.append(f"{where}: transforms.{stage} does not offer {name}")
    assert outside == []


def test_the_surface_check_sees_a_private_name(tmp_path):
    (tmp_path / "load").mkdir()
    (tmp_path / "load" / "x.py").write_text("from transforms.ingest.mapping import _private\n"
                                            "from transforms.load.staging import own_stage\n")
    assert cross_stage_uses(tmp_path) == [("load/x.py:1", "ingest", "_private")]
