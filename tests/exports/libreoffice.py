"""Convert a document to PDF through LibreOffice, as a clerk's office suite would open it; skip without soffice."""
import os
import re
import shutil
import subprocess

import pytest


def to_pdf(path, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice 未安装（找不到 soffice/libreoffice），跳过转换检查")
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
