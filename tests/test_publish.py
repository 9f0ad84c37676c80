"""Report folders are published whole: a kill leaves the old site or the new one, orgmodel
removes only what it wrote, never writes through a link, and page names never collide."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from conftest import COUNTY, run_cli, write_ledger

from orgmodel.report.publish import MANIFEST, recover
from orgmodel.report.site import town_file

ROOT = Path(__file__).resolve().parents[1]
DOC = "doc: 青编〔2021〕1号"
QUOTA = f"- {{date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, {DOC}}}\n"


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_run_replaces_the_site_and_leaves_no_stale_pages(tmp_path):
    big = write_ledger(tmp_path / "a", COUNTY + QUOTA)
    small = write_ledger(tmp_path / "b", COUNTY.replace("西乡", "南乡") + QUOTA)
    out = tmp_path / "site"
    assert run_cli("report", "balance", big, "--out", out).exit_code == 0
    assert (out / "town-370102.html").exists()
    assert run_cli("report", "balance", small, "--out", out).exit_code == 0
    files = site_files(out)
    assert MANIFEST in files and "index.html" in files
    assert "西乡" not in "".join(v.decode("utf-8") for k, v in files.items() if k.endswith(".html"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # no staging folder left


def test_a_folder_with_files_orgmodel_did_not_write_is_refused_without_force(tmp_path):
    led = write_ledger(tmp_path / "a", COUNTY + QUOTA)
    out = tmp_path / "我的文件夹"
    out.mkdir()
    (out / "工作总结.docx").write_bytes(b"mine")
    result = run_cli("report", "balance", led, "--out", out)
    assert result.exit_code == 2 and "不是 orgmodel 生成的文件(工作总结.docx)" in result.output and "--force" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["工作总结.docx"]
    assert run_cli("report", "balance", led, "--out", out, "--force").exit_code == 0
    assert (out / "工作总结.docx").read_bytes() == b"mine" and (out / "index.html").exists()
    assert run_cli("report", "balance", led, "--out", out).exit_code == 2  # still not ours: the manifest says so


def test_out_as_a_symlink_or_a_file_is_refused_in_chinese(tmp_path):
    led = write_ledger(tmp_path / "a", COUNTY + QUOTA)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "link"
    link.symlink_to(elsewhere, target_is_directory=True)
    result = run_cli("report", "balance", led, "--out", link)
    assert result.exit_code == 2 and "符号链接" in result.output and not any(elsewhere.iterdir())
    afile = tmp_path / "a.txt"
    afile.write_text("x", encoding="utf-8")
    result = run_cli("report", "balance", led, "--out", afile)
    assert result.exit_code == 2 and "是一个文件,不是文件夹" in result.output and "Error" not in result.output
    assert afile.read_text(encoding="utf-8") == "x"


def test_a_symlink_inside_the_old_site_is_never_followed(tmp_path):
    led = write_ledger(tmp_path / "a", COUNTY + QUOTA)
    out = tmp_path / "site"
    assert run_cli("report", "balance", led, "--out", out).exit_code == 0
    victim = tmp_path / "victim.html"
    victim.write_text("keep", encoding="utf-8")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim)  # someone swapped a page for a link out of the folder
    assert run_cli("report", "balance", led, "--out", out).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "keep"
    assert not (out / "index.html").is_symlink() and "<html" in (out / "index.html").read_text(encoding="utf-8")


def test_page_names_are_one_to_one_and_short():
    assert town_file("99/01") != town_file("99_01") != town_file("99.01")
    assert town_file("370101") == "town-370101.html"
    long = town_file("9" * 90 + "/x")
    assert len(long) < 120 and long != town_file("9" * 90 + "/y")


def test_codes_that_once_shared_a_page_get_a_page_each(tmp_path):
    led = write_ledger(tmp_path / "a", """\
- {date: 2021-01-01, op: open_division, code: "99", name: 甲县, level: 县}
- {date: 2021-01-01, op: open_division, code: "99/01", name: 东镇, level: 乡镇, kind: 镇, parent: 甲县}
- {date: 2021-01-01, op: open_division, code: "99_01", name: 西镇, level: 乡镇, kind: 镇, parent: 甲县}
""")
    out = tmp_path / "site"
    assert run_cli("report", "balance", led, "--out", out).exit_code == 0
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("town-*.html")}
    assert len(pages) == 2 and any("东镇" in t for t in pages.values()) and any("西镇" in t for t in pages.values())


def _report(ledger: Path, out: Path, failpoint: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "ORGMODEL_FAILPOINT"}
    if failpoint:
        env["ORGMODEL_FAILPOINT"] = failpoint
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "report", "balance", str(ledger), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)


# where a kill of ``report balance`` lands (see orgmodel.core.failpoints), and the site it leaves
KILLS = [("publish.staging", "old"), ("publish.page:1", "old"), ("publish.page:4", "old"), ("publish.staged", "old"),
         ("publish.aside", "old"), ("publish.swapped", "new")]


def test_killing_a_report_run_leaves_the_old_site_or_the_new_one(tmp_path):
    """``report balance`` killed at each step of publishing (a fail point, so the moment is the
    same on an idle machine and a loaded one): after each, the folder (with what the next run
    does first, :func:`recover`) is the complete old site before the swap, the new one after."""
    from orgmodel.sources.synthetic import Params, generate

    old_ledger, new_ledger = tmp_path / "old", tmp_path / "new"
    generate(old_ledger, Params(townships=6))
    generate(new_ledger, Params(townships=8, first_year=2021))
    ref_old, ref_new, out = tmp_path / "ref-old", tmp_path / "ref-new", tmp_path / "site"
    for ledger, ref in ((old_ledger, ref_old), (new_ledger, ref_new)):
        assert _report(ledger, ref).wait(timeout=120) == 0
    old_files, new_files = site_files(ref_old), site_files(ref_new)
    assert old_files != new_files and sum(f.endswith(".html") for f in new_files) > 4  # page:4 is mid-way
    for point, outcome in KILLS:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(ref_old, out)
        assert _report(new_ledger, out, point).wait(timeout=120) == -signal.SIGKILL, point  # killed there, not done
        assert out.exists() == (point != "publish.aside"), point  # between the renames the old site is aside
        recover(out)
        now = site_files(out)
        assert now == (old_files if outcome == "old" else new_files), (point, sorted(set(now) ^ set(old_files))[:5])
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")], point
    shutil.rmtree(out)
    assert _report(new_ledger, out, "publish.staged").wait(timeout=120) == -signal.SIGKILL
    recover(out)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # a first run: nothing
    assert _report(new_ledger, out, "publish.no-such-point").wait(timeout=120) == 0  # a point not reached: no kill
    assert site_files(out) == new_files


def test_force_never_overwrites_a_users_file_of_a_page_name(tmp_path):
    led = write_ledger(tmp_path / "a", COUNTY + QUOTA)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("我的首页", encoding="utf-8")
    result = run_cli("report", "balance", led, "--out", out, "--force")
    assert result.exit_code == 2 and "同名" in result.output
    assert (out / "index.html").read_text(encoding="utf-8") == "我的首页"


def test_recover_leaves_folders_that_only_look_like_staging(tmp_path):
    out = tmp_path / "site"
    mine = tmp_path / ".site.old-mybackup"
    mine.mkdir()
    (mine / "a.txt").write_text("x", encoding="utf-8")
    running = tmp_path / f".site.tmp-{os.getppid()}"  # a live process's staging folder
    running.mkdir()
    recover(out)
    assert mine.exists() and running.exists() and not out.exists()
