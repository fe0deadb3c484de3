"""A Word document's file properties (文件 ▸ 信息): its title, the unit as author, the real time it was made, and
nothing left of python-docx's template (its name, its 2013 date, "Microsoft Macintosh Word", its thumbnail)."""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document


def clean(value: str) -> str:
    """One line of at most 255 characters (the limit of core properties), no XML-illegal characters."""
    return re.sub("[\x00-\x1f\ufffe\uffff\ud800-\udfff]", "", value)[:255]


def set_properties(doc: Document, *, title: str | None = None, author: str | None = None,
                   created: dt.datetime | None = None) -> None:
    """File properties (文件 ▸ 信息): the title, the unit as author, created and modified = `created` or now (a
    fixed time for byte-stable tests); None leaves a property as it is, except the time, which is always set."""
    props = doc.core_properties
    if title is not None:
        props.title = clean(title)
    if author is not None:
        props.author = props.last_modified_by = clean(author)
    when = (created or dt.datetime.now()).astimezone(dt.UTC).replace(tzinfo=None)   # stored as UTC
    props.created = props.modified = when
    props.comments = props.keywords = props.subject = props.category = ""
    props.revision = 1
    props.language = "zh-CN"


def drop_template_leftovers(doc: Document) -> None:
    """python-docx's template says "Microsoft Macintosh Word" and carries a thumbnail of its own blank page."""
    package = doc.part.package
    for rel in list(package.rels.values()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel.rId)
    for rel in package.rels.values():
        if rel.reltype.endswith("/extended-properties"):
            blob = rel.target_part.blob.decode("utf-8")
            blob = re.sub(r"<Application>[^<]*</Application>", "<Application>Leifeng Desktop</Application>", blob)
            rel.target_part._blob = blob.encode("utf-8")
