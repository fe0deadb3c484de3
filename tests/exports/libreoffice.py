"""Convert a document to PDF through LibreOffice, as a clerk's office suite would open it; skip without soffice."""
import os
import re
import shutil
import subprocess

import pytest


def require_soffice() -> str:
    """The soffice binary, or skip naming the Debian package the README's set-up does not install."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("needs LibreOffice: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
    return soffice


def require_fonts(*families: tuple[str, str]) -> None:
    """Skip unless fontconfig knows each (family, Debian package): printed page counts depend on the fonts."""
    if not shutil.which("fc-list"):
        pytest.skip("needs fontconfig: apt-get install fontconfig")
    known = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=60).stdout
    for family, package in families:
        if family not in known:
            pytest.skip(f"needs the font {family}: apt-get install {package}")


PRINT_FONTS = (("Liberation Serif", "fonts-liberation"), ("Noto Serif CJK SC", "fonts-noto-cjk"))


def to_pdf(path, tmp_path):
    soffice = require_soffice()
    require_fonts(*PRINT_FONTS)
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"     # a private profile: parallel soffice runs do not share one
    r = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), str(path)], capture_output=True, timeout=180,
                       env={**os.environ, "HOME": str(tmp_path)})
    pdf = out / (path.stem + ".pdf")
    assert r.returncode == 0 and pdf.exists(), r.stderr.decode(errors="replace")
    return pdf


def pdf_info(pdf) -> tuple[int, float, float]:
    """Pages and the first page's width and height in points."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
        w, h = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
        return pages, float(w), float(h)
    data = pdf.read_bytes()
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data)
    return len(re.findall(rb"/Type\s*/Page[^s]", data)), float(box[1]), float(box[2])


def to_csv(path, tmp_path) -> tuple[list[list[str]], str]:
    """The first sheet as LibreOffice Calc reads it, exported as UTF-8 CSV with text cells quoted (numbers are
    not): the parsed rows and the raw text."""
    import csv
    soffice = require_soffice()
    out = tmp_path / "csv"
    profile = tmp_path / "lo-profile-csv"
    # filter options: comma, double quote, UTF-8, from line 1, -, -, quote all text cells, detect special numbers
    r = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true", "--outdir", str(out), str(path)],
                       capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    result = out / (path.stem + ".csv")
    if not result.exists() and b"filter" in (r.stderr + r.stdout).lower():
        pytest.skip("needs LibreOffice Calc: apt-get install libreoffice-calc-nogui")
    assert r.returncode == 0 and result.exists(), r.stderr.decode(errors="replace")
    raw = result.read_text(encoding="utf-8")
    with open(result, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh)), raw
