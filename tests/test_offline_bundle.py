"""The offline bundle installs and runs the demo on a machine where pip cannot reach anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_linux_bundle_installs_with_networking_refused(tmp_path):
    bundle = tmp_path / "bundle"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build-offline-bundle"), str(bundle),
                    "--platforms", "linux", "--pythons", version], check=True, capture_output=True, timeout=900)
    assert (bundle / "install.sh").exists() and (bundle / "install.bat").exists()
    assert any(p.name.startswith("orgmodel-") for p in (bundle / "wheels").glob("*.whl"))
    # No index, no config files (they may name local wheel folders), and a proxy that refuses every connection
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", HTTP_PROXY="http://127.0.0.1:9",
               HTTPS_PROXY="http://127.0.0.1:9", PYTHON=_base_python())
    result = subprocess.run(["sh", str(bundle / "install.sh")], cwd=bundle, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "安装完成" in result.stdout
    assert (bundle / "reports" / "demo" / "balance" / "index.html").exists()
    version_out = subprocess.run([str(bundle / ".venv" / "bin" / "orgmodel"), "--version"], capture_output=True,
                                 text=True, env=env, check=True).stdout
    assert "orgmodel" in version_out and "版本" in version_out


def _base_python() -> str:
    """The interpreter the test's venv was made from (a venv inside a venv is fine too)."""
    return getattr(sys, "_base_executable", sys.executable)
