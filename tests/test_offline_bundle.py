"""The offline bundle installs and runs the demo on a machine where pip cannot reach anything,
and its workbench shortcut then serves the workbench's pages."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBENCH_WHEELS = ("flask", "werkzeug", "itsdangerous", "blinker", "markupsafe", "jinja2", "click", "waitress")
STARTED = re.compile(r"工作台已启动:(http://127\.0\.0\.1:(\d+)/)")


def test_the_linux_bundle_installs_with_networking_refused(tmp_path):
    bundle = tmp_path / "bundle"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build-offline-bundle"), str(bundle),
                    "--platforms", "linux", "--pythons", version], check=True, capture_output=True, timeout=900)
    assert (bundle / "install.sh").exists() and (bundle / "install.bat").exists()
    wheels = {p.name.split("-")[0].lower() for p in (bundle / "wheels").glob("*.whl")}
    assert "orgmodel" in wheels
    assert set(WORKBENCH_WHEELS) <= wheels, sorted(set(WORKBENCH_WHEELS) - wheels)
    assert os.access(bundle / "workbench.sh", os.X_OK)
    bat = (bundle / "workbench.bat").read_bytes()
    assert bat.count(b"\r\n") == bat.count(b"\n") > 0 and (bundle / "install.bat").read_bytes().count(b"\r\n") > 0
    bat_text = bat.decode("utf-8")
    assert "chcp 65001" in bat_text and "pause" in bat_text and 'serve "%LEDGER%"' in bat_text
    assert "set /p" in bat_text and r".venv\share\orgmodel\data\demo" in bat_text
    assert "workbench.bat" in (bundle / "README.txt").read_text(encoding="utf-8")
    assert "workbench.bat" in (bundle / "install.bat").read_text(encoding="utf-8")
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
    _the_workbench_shortcut_serves_pages(bundle, env, result.stdout)


def _base_python() -> str:
    """The interpreter the test's venv was made from (a venv inside a venv is fine too)."""
    return getattr(sys, "_base_executable", sys.executable)


def _the_workbench_shortcut_serves_pages(bundle: Path, env: dict, install_out: str) -> None:
    """``sh workbench.sh`` with Enter for the question opens the bundled demo ledger in the
    installed workbench; its first page comes over HTTP; Ctrl+C (SIGINT) stops it."""
    assert "workbench.sh" in install_out
    deadline = time.monotonic() + 300
    proc = subprocess.Popen(["sh", str(bundle / "workbench.sh"), "--port", "0", "--no-browser"], cwd=bundle, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines: queue.Queue = queue.Queue()  # its output, line by line, then None

    def read() -> None:
        for raw in proc.stdout:
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []

    def next_line() -> str | None:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"the workbench said nothing in time: {''.join(seen)[-2000:]}") from None
        if line is not None:
            seen.append(line)
        return line

    try:
        proc.stdin.write(b"\n")  # Enter: the demo ledger
        proc.stdin.close()
        while not (match := STARTED.search("".join(seen))):
            assert next_line() is not None, f"the workbench stopped before it started: {''.join(seen)[-2000:]}"
        url = match.group(1) + "at/latest/index.html"
        assert "data/demo" in "".join(seen)  # the bundled demo, under the venv's prefix
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=max(1, deadline - time.monotonic())) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert "栖澜" in page and "编制" in page, page[:2000]
        proc.send_signal(signal.SIGINT)  # what Ctrl+C sends
        while next_line() is not None:  # to the end of its output
            pass
        assert proc.wait(timeout=max(1, deadline - time.monotonic())) == 0, "".join(seen)[-2000:]
        assert "工作台已停止" in "".join(seen)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
