"""The combined 登记表 (汇总) built by appending each team's form as it is made, never holding them all (issue 18).

export_registration builds one team's document at a time and saves it; CombinedForms.add then takes that document's
body and its header and footer parts into the combined file: the body goes to an unnamed temporary file, the parts
into the combined zip (itself on an unnamed temporary file) at once. Each form stays a section of its own as in
build_registration's combined document: the form's section properties end it (in a 1 pt paragraph, as
registration_pages.form_section leaves them), its pages numbered from 1, and its footer counts the section's pages
(SECTIONPAGES, the estimate written as the result) where a file of one form counts the file's (NUMPAGES).
The package around the forms (styles, settings, properties) is that of an empty document made as every form's.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from . import document as d
from . import registration_pages as pages

if TYPE_CHECKING:
    from docx.document import Document

DOCUMENT, DOCUMENT_RELS, TYPES = "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_REFS = (qn("w:headerReference"), qn("w:footerReference"))


class CombinedForms:
    """The combined file, form by form: add(document of one form), then save(stream) or save_to(path) once."""

    def __init__(self, *, title: str, author: str, folder: Path | None = None) -> None:
        shell = io.BytesIO()
        d.new_document(title=title, author=author).save(shell)
        self._shell = zipfile.ZipFile(shell)
        # beside the files (files.py: temporaries never in the system temp folder), unnamed: gone when closed
        self._zip_file: IO[bytes] = tempfile.TemporaryFile(dir=folder)
        self._zip = zipfile.ZipFile(self._zip_file, "w", zipfile.ZIP_DEFLATED)
        self._body: IO[bytes] = tempfile.TemporaryFile(dir=folder)
        self._rels: list[tuple[str, str, str]] = []     # (rId, relationship type, target) of the forms' parts
        self._types: list[tuple[str, str]] = []         # (part name, content type)
        self._last_sect: bytes | None = None            # the previous form's section, until the next form comes
        self.forms = 0

    def add(self, doc: Document) -> None:
        """Append the form of a document of one form (build_registration of one team)."""
        self.forms += 1
        body = doc.element.body
        sect = body.find(qn("w:sectPr"))
        rels = doc.part.rels
        for ref in sect:
            if ref.tag in _REFS:
                part = rels[ref.get(qn("r:id"))].target_part
                ref.set(qn("r:id"), self._take_part(part, footer=ref.tag == _REFS[1]))
        if self._last_sect is not None:
            self._body.write(self._ender())
        for child in body:
            if child.tag != qn("w:sectPr"):
                self._body.write(etree.tostring(child))
        self._last_sect = etree.tostring(sect)

    def _take_part(self, part: Any, *, footer: bool) -> str:
        """A header or footer part into the combined zip under a new name; returns its new relationship id."""
        n = len(self._rels) + 1
        kind = "footer" if footer else "header"
        name = f"{kind}{n}.xml"
        blob = part.blob
        if footer:   # this form's pages, not the file's (registration_pages.page_furniture's own_count)
            blob = blob.replace(b" NUMPAGES ", b" SECTIONPAGES ")
        self._zip.writestr(f"word/{name}", blob)
        rid = f"rIdForm{n}"
        self._rels.append((rid, f"{RT}/{kind}", name))
        self._types.append((f"/word/{name}", CT_FOOTER if footer else CT_HEADER))
        return rid

    def _ender(self) -> bytes:
        """The paragraph that ends a form's section (not the last form's: the body's own section ends that)."""
        assert self._last_sect is not None
        p = parse_xml(b'<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                      b'<w:pPr/></w:p>')
        sect = parse_xml(self._last_sect)
        for name in [a for a in sect.attrib if a.startswith(qn("w:rsid"))]:   # as python-docx's section break
            del sect.attrib[name]
        p[0].append(sect)
        pages._make_tiny(p)
        ender: bytes = etree.tostring(p)
        return ender

    def _finish(self) -> None:
        """The document part, its relationships and the content types, then the package's other parts."""
        shell = self._shell
        document = shell.read(DOCUMENT)
        start = document.index(b"<w:body>") + len(b"<w:body>")
        with self._zip.open(DOCUMENT, "w") as out:
            out.write(document[:start])
            self._body.seek(0)
            shutil.copyfileobj(self._body, out)
            if self._last_sect is not None:
                out.write(self._last_sect)
            out.write(b"</w:body></w:document>")
        rels = shell.read(DOCUMENT_RELS).decode("utf-8")
        extra = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
                        for rid, kind, target in self._rels)
        self._zip.writestr(DOCUMENT_RELS, rels.replace("</Relationships>", extra + "</Relationships>"))
        types = shell.read(TYPES).decode("utf-8")
        extra = "".join(f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in self._types)
        self._zip.writestr(TYPES, types.replace("</Types>", extra + "</Types>"))
        for item in shell.infolist():
            if item.filename not in (DOCUMENT, DOCUMENT_RELS, TYPES):
                self._zip.writestr(item, shell.read(item.filename))
        self._zip.close()

    def save(self, stream: IO[bytes]) -> None:
        """Finish the file and copy it into `stream` (files.Saveable); once only."""
        self._finish()
        self._zip_file.seek(0)
        shutil.copyfileobj(self._zip_file, stream)
        self.close()

    def save_to(self, path: Path) -> None:
        with open(path, "wb") as out:
            self.save(out)

    def close(self) -> None:
        """Let the temporary files go (after save, or instead of it: a failure, a cancel)."""
        with contextlib.suppress(Exception):   # a zip never finished: closed now, not by the collector
            self._zip.close()
        self._shell.close()
        for f in (self._zip_file, self._body):
            f.close()
