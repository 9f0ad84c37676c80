"""Publish a report folder whole or not at all.

A site is written into a fresh staging folder beside ``--out`` and then moved into place,
so a run killed at any moment leaves the old site or the new one, never a mix of the two
(a run killed between the two renames of the swap leaves the old site aside, and the next
run puts it back before it starts). Each site carries a manifest of the files orgmodel
wrote; a folder holding files that its manifest does not list (or with no manifest) is
not written into unless the user says ``--force``, and then those files are kept.
Nothing is ever written through a symbolic link, because nothing is written into
``--out`` itself: the staging folder is new.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.failpoints import reach
from ..core.text import os_error_text

MANIFEST = ".orgmodel-manifest.json"


class PublishError(Exception):
    """The output folder cannot be written (a Chinese message says why and what to do)."""


def _stage_names(out: Path) -> tuple[str, str]:
    return f".{out.name}.tmp-", f".{out.name}.old-"


def recover(out: Path) -> None:
    """Finish or undo what a killed run left beside ``out``: a site moved aside goes back
    if ``out`` is missing, and half-written staging folders are removed."""
    tmp, old = _stage_names(out)
    parent = out.parent
    if not parent.is_dir():
        return
    for p in sorted(parent.iterdir()):
        if p.is_symlink() or not p.is_dir():
            continue
        for prefix in (old, tmp):
            pid = p.name[len(prefix):] if p.name.startswith(prefix) else ""
            if not pid.isdigit() or _alive(int(pid)):
                continue  # not ours (a user's folder of a like name), or a run still at work
            if prefix == old and (p / MANIFEST).is_file() and not out.exists() and not out.is_symlink():
                os.replace(p, out)  # a swap killed halfway: the old site goes back
            elif prefix == tmp or (p / MANIFEST).is_file():
                shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    """True when process ``pid`` still runs (so its staging folder is in use)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _files(folder: Path) -> list[str]:
    """Every file and link under ``folder`` (relative, POSIX style), links not followed."""
    out = []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        for d in list(dirs):
            if (here / d).is_symlink():
                out.append((here / d).relative_to(folder).as_posix())
                dirs.remove(d)
        out += [(here / n).relative_to(folder).as_posix() for n in names]
    return sorted(out)


def _listed(out: Path) -> set[str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return set(data.get("files", [])) if isinstance(data, dict) else set()
    except (OSError, ValueError):
        return set()


def foreign_files(out: Path) -> list[str]:
    """Files in ``out`` that orgmodel's manifest there does not list."""
    if not out.is_dir():
        return []
    listed = _listed(out)
    return [f for f in _files(out) if f != MANIFEST and f not in listed]


def check_target(out: Path, force: bool = False, reads: Iterable[Path] = ()) -> list[str]:
    """Raise PublishError when ``out`` cannot take a site; return the files to keep. ``reads``
    are the paths the command reads: a folder that is, holds or replaces one is never written,
    ``--force`` or not (see :mod:`orgmodel.ledger.outputs`)."""
    from ..core.outputs import OutputError
    from ..ledger.outputs import check_folder

    try:
        check_folder(out, reads)
    except OutputError as exc:
        raise PublishError(str(exc)) from exc
    if out.is_symlink():
        raise PublishError(f"输出文件夹 {out} 是一个符号链接;为免写到别处,未写入。请直接给出真实的文件夹")
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} 是一个文件,不是文件夹;请用 --out 指定一个文件夹(不存在时会新建)")
    foreign = foreign_files(out)
    if foreign and not force:
        shown = "、".join(foreign[:3]) + (f" 等 {len(foreign)} 个" if len(foreign) > 3 else "")
        raise PublishError(f"输出文件夹 {out} 中有不是 orgmodel 生成的文件({shown});为免误删,未写入。"
                           f"请换一个空文件夹,或加 --force(这些文件会保留)")
    return foreign


def publish(out: str | Path, write: Callable[[Path], list[Path]], force: bool = False,
            reads: Iterable[Path] = ()) -> list[Path]:
    """Run ``write(stage)`` (it writes a site into the folder it is given and returns the paths
    it wrote), then put the site at ``out``; return the paths as they are under ``out``.
    ``reads``: what the command reads, which the site must never replace."""
    out = Path(out)
    recover(out)
    keep = check_target(out, force, reads)
    tmp, old = _stage_names(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = out.parent / f"{tmp}{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir()
    except OSError as exc:
        raise PublishError(f"无法在 {out.parent} 中写入({os_error_text(exc)})") from exc
    reach("publish.staging")
    try:
        written = write(stage)
        mine = _files(stage)
        clash = sorted(set(keep) & set(mine))
        if clash:
            raise PublishError(f"输出文件夹 {out} 中不是 orgmodel 生成的文件 {'、'.join(clash[:3])} 与报表页面同名;"
                               f"为免覆盖,未写入。请移走这些文件,或换一个文件夹")
        for rel in keep:  # --force: what the user had there stays
            if rel not in mine:
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(out / rel, target, follow_symlinks=False)
        (stage / MANIFEST).write_text(json.dumps({"generator": "orgmodel", "files": mine}, ensure_ascii=False, indent=0),
                                      encoding="utf-8")
        aside = out.parent / f"{old}{os.getpid()}"
        reach("publish.staged")
        if out.exists():
            os.replace(out, aside)
            reach("publish.aside")
        os.replace(stage, out)
        reach("publish.swapped")
        shutil.rmtree(aside, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        recover(out)  # if the old site was moved aside, it goes back
        raise PublishError(f"写入 {out} 时出错({os_error_text(exc)});原有内容未改动") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return [out / Path(p).relative_to(stage) for p in written]
