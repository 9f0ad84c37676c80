"""Downloads: the same workbook, CSV files and report folder the commands write, for the day
shown. Each is written into a temporary folder the download owns, sent, and removed."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response

from ..core.signoff import signoff_line
from ..report.balance_report import write_balance_report
from ..report.site import jurisdiction_name
from ..tabular.export import balance_tables, write_csv_folder
from ..tabular.workbook import write_workbook
from .guard import READ, requires
from .pages import day_of, desk

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(app: Flask) -> None:
    """Add the download routes to ``app``."""

    @app.get("/at/<day>/download/<kind>")
    @requires(READ)
    def download(day: str, kind: str):
        sheet = desk().sheet(day_of(day))
        sheet.extras("findings")
        checked = sheet.checked
        stem = f"{jurisdiction_name(sheet.state)}编制收支(截至{sheet.state.as_of})"
        with tempfile.TemporaryDirectory(prefix="orgmodel-download-") as tmp:
            folder = Path(tmp)
            if kind == "balance.xlsx":
                path = write_workbook(folder / "out.xlsx", balance_tables(checked), signoff=[signoff_line(checked.ledger.config, desk().book.sign_off())])
                return _attachment(path.read_bytes(), f"{stem}.xlsx", XLSX)
            if kind == "csv.zip":
                write_csv_folder(folder / "csv", balance_tables(checked), "utf-8-sig")
                return _attachment(_zipped(folder / "csv"), f"{stem}(CSV).zip", "application/zip")
            if kind == "report.zip":
                write_balance_report(checked, folder / "report")
                return _attachment(_zipped(folder / "report"), f"{stem}(报表).zip", "application/zip")
        return Response("没有这种下载", status=404, mimetype="text/plain")


def _zipped(folder: Path) -> bytes:
    """The files under ``folder`` as a zip, their paths relative to it (UTF-8 names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def _attachment(data: bytes, filename: str, kind: str) -> Response:
    """``data`` sent as a file the browser saves as ``filename`` (Chinese names kept, RFC 5987)."""
    fallback = "orgmodel" + Path(filename).suffix
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, mimetype=kind, headers={"Content-Disposition": disposition})
