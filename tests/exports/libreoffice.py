"""Convert a document to PDF through LibreOffice, as a clerk's office suite would open it, with the fonts pinned.

Page breaks depend on the fonts, so a rendering test says which ones it assumes: to_pdf() gives soffice its own
fontconfig file in which the Latin names the documents use (Times New Roman) and every CJK name (仿宋_GB2312, 黑体,
方正小标宋简体 …) resolve to the families the test names, whatever else the machine has. A missing tool or font skips
the test with the Debian package to install (the README's set-up installs neither), never fails it.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# Latin fonts a test may pin, with their Debian packages: Liberation Serif has Times New Roman's metrics,
# DejaVu Serif is a wider face (a document whose breaks hold with both does not depend on the font).
LATIN_FONTS = {"Liberation Serif": "fonts-liberation", "DejaVu Serif": "fonts-dejavu-core"}
CJK_SERIF, CJK_SANS, CJK_PACKAGE = "Noto Serif CJK SC", "Noto Sans CJK SC", "fonts-noto-cjk"
PRINT_FONTS = (("Liberation Serif", "fonts-liberation"), (CJK_SERIF, CJK_PACKAGE), (CJK_SANS, CJK_PACKAGE))

# The names the documents (and Word/WPS templates) use, by the face that stands in for them.
LATIN_NAMES = ("Times New Roman", "Times", "Liberation Serif", "DejaVu Serif", "Calibri", "Cambria", "Arial",
               "serif", "sans-serif")
SERIF_CJK_NAMES = ("仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong", "方正小标宋简体", "方正小标宋_GBK",
                   "宋体", "SimSun", "新宋体", "NSimSun", "楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi",
                   "华文仿宋", "华文中宋", "STFangsong", "STZhongsong")
SANS_CJK_NAMES = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian")


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
    names = {name.strip() for entry in known.splitlines() for name in entry.split(",")}
    for family, package in families:
        if family not in names:
            pytest.skip(f"needs the font {family}: apt-get install {package}")


def require_tool(name: str, package: str = "poppler-utils") -> str:
    tool = shutil.which(name)
    if not tool:
        pytest.skip(f"needs {name}: apt-get install {package}")
    return tool


def font_rules(latin: str) -> list[tuple[str, str]]:
    """(name a document uses, face printed for it) for every pinned name."""
    return [(name, latin) for name in LATIN_NAMES] + [(name, CJK_SERIF) for name in SERIF_CJK_NAMES] + \
        [(name, CJK_SANS) for name in SANS_CJK_NAMES]


def fonts_conf(folder: Path, latin: str = "Liberation Serif") -> Path:
    """A fontconfig file: the system's configuration, then every Latin name the documents use bound strongly to
    `latin` and every CJK name to Noto Serif/Sans CJK SC (an assign, so no other alias can come first)."""
    if latin not in LATIN_FONTS:
        raise ValueError(f"no Debian package known for {latin}: add it to LATIN_FONTS")
    require_fonts((latin, LATIN_FONTS[latin]), (CJK_SERIF, CJK_PACKAGE), (CJK_SANS, CJK_PACKAGE))
    matches = "".join(
        f'  <match target="pattern"><test name="family"><string>{name}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit></match>\n'
        for name, face in font_rules(latin))
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    f'  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n{matches}</fontconfig>\n',
                    encoding="utf-8")
    return conf


def replacement_table(profile: Path, latin: str) -> None:
    """LibreOffice resolves Times New Roman to its metric twin itself, before fontconfig is asked: its own
    replacement table (Tools ▸ Options ▸ Fonts), always applied, pins the same names in the private profile."""
    pairs = "".join(
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs"><node oor:name="p{i}" '
        f'oor:op="replace"><prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        f'<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{name}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{face}</value></prop></node></item>\n'
        for i, (name, face) in enumerate(font_rules(latin)) if name != face and "-" not in name)
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution"><prop oor:name="Replacement" '
        f'oor:op="fuse"><value>true</value></prop></item>\n{pairs}</oor:items>\n', encoding="utf-8")


def to_pdf(path, tmp_path, latin: str = "Liberation Serif") -> Path:
    """The document (.docx or .xlsx) printed to PDF by LibreOffice with `latin` for Times New Roman and Noto CJK
    for the Chinese fonts; each font set its own folder and profile under tmp_path (parallel runs share nothing)."""
    return to_pdfs([path], tmp_path, latin)[0]


def to_pdfs(paths, tmp_path, latin: str = "Liberation Serif") -> list[Path]:
    """Several documents (distinct file names) printed by one LibreOffice start, as to_pdf does one."""
    soffice = require_soffice()
    paths = [Path(p) for p in paths]
    assert len({p.stem for p in paths}) == len(paths), "one PDF per file name"
    work = Path(tmp_path) / f"lo-{latin.replace(' ', '-')}"
    conf = fonts_conf(work, latin)
    out = work / "pdf"
    profile = work / "profile"
    if not profile.exists():
        replacement_table(profile, latin)
    env = {**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(conf)}
    env.pop("FONTCONFIG_PATH", None)
    r = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), *map(str, paths)], capture_output=True, timeout=120 + 60 * len(paths),
                       env=env)
    pdfs = [out / (p.stem + ".pdf") for p in paths]
    assert r.returncode == 0 and all(p.exists() for p in pdfs), r.stderr.decode(errors="replace")
    return pdfs


def page_texts(pdf) -> list[str]:
    """The text of each page (pdftotext -layout), one string per page."""
    tool = require_tool("pdftotext")
    text = subprocess.run([tool, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()           # pdftotext ends every page with a form feed
    return pages


def pdf_fonts(pdf) -> set[str]:
    """The font families embedded in the PDF (subset prefixes dropped), to check the pinning took."""
    tool = require_tool("pdffonts")
    listing = subprocess.run([tool, str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
    return {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()}


def pdf_info(pdf) -> tuple[int, float, float]:
    """Pages and the first page's width and height in points."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
        w, h = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
        return pages, float(w), float(h)
    data = Path(pdf).read_bytes()
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
