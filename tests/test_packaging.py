"""``pip install .`` ships everything the package reads at run time: a wheel built from the
project holds every file of the package, the workbench's static files and templates included."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import setuptools

ROOT = Path(__file__).resolve().parents[1]
# Not copied: version control, build leftovers (a stale build/lib would end up in the wheel and
# hide a missing package_data pattern), caches, venvs (CI's .venv lives in the checkout) and outputs
LEFT_OUT = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".venv", "venv",
                                  ".pytest_cache", ".hypothesis", ".ruff_cache", "reports")


def _can_build_offline() -> bool:
    """setuptools can write a wheel in this interpreter without fetching anything (the ``wheel``
    package of the test extras, or setuptools 70.1+ which has bdist_wheel itself)."""
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return importlib.util.find_spec("wheel") is not None or (major, minor) >= (70, 1)


def test_the_wheel_holds_every_file_of_the_package(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    out = tmp_path / "wheels"
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-w", str(out), str(source)]
    if _can_build_offline():
        cmd[4:4] = ["--no-build-isolation", "--no-index"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [wheel] = out.glob("orgmodel-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    package = source / "orgmodel"
    files = {p.relative_to(source).as_posix() for p in package.rglob("*") if p.is_file()}
    static = {f for f in files if f.startswith("orgmodel/web/static/")}
    templates = {f for f in files if f.startswith("orgmodel/templates/")}
    assert {"orgmodel/web/static/htmx.min.js", "orgmodel/web/static/workbench.js", "orgmodel/web/static/workbench.css",
            "orgmodel/web/static/favicon.svg"} <= static
    assert "orgmodel/templates/web/base.html" in templates
    assert any(f.startswith("orgmodel/templates/web/_partials/") for f in templates)
    assert sorted(static - names) == [], "workbench static files missing from the wheel"
    assert sorted(templates - names) == [], "templates missing from the wheel"
    assert sorted(files - names) == [], "package files missing from the wheel"

    # The workbench's run-time dependencies are declared (the offline bundle downloads exactly these)
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [line.split(":", 1)[1].strip().lower() for line in
                zipfile.ZipFile(wheel).read(metadata).decode("utf-8").splitlines() if line.startswith("Requires-Dist:")]
    assert any(r.startswith("flask") for r in requires) and any(r.startswith("waitress") for r in requires), requires
