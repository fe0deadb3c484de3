"""登记表 for many teams (issue 18): one document at a time, the combined file appended form by form.

The combined file export_registration writes equals, element by element, the one build_registration makes of all
the teams in memory (texts, field instructions, tables, rows, section properties, spacing of the section ends), with
the same headers, footers (SECTIONPAGES per form) and properties; each team's document is built once, and is let go
before the next team's is built, the export collecting their cycles every few teams (checked with weak
references, never by time or memory).
"""
import datetime as dt
import gc
import io
import weakref

import docx
from docx.oxml.ns import qn

from leifeng_desktop.exports import registration as reg

TODAY = dt.date(2026, 8, 20)
SHAPE = tuple(qn(f"w:{t}") for t in ("sectPr", "tbl", "tr", "pgNumType", "titlePg", "type", "spacing", "sz"))


def shape(doc):
    """What the file says and how it is cut into forms, sections and tables."""
    body = []
    for el in doc.element.body.iter():
        if el.tag in (qn("w:t"), qn("w:instrText")):
            body.append(el.text)
        elif el.tag in SHAPE:
            body.append((el.tag, sorted((k, v) for k, v in el.attrib.items() if "rsid" not in k)))
    sections = [(s.header.paragraphs[0].text, [e.text for e in s.footer._element.iter(qn("w:instrText"))],
                 [e.text for e in s.first_page_footer._element.iter(qn("w:instrText"))], s.start_type,
                 s.different_first_page_header_footer) for s in doc.sections]
    return body, sections, (doc.core_properties.title, doc.core_properties.author)


def teams(store, team_values, n):
    ids = []
    for i in range(n):
        tid = store.insert("team", {**team_values, "name": f"第{i + 1}服务队"})
        for k in range(i + 2):
            store.insert("member", {"team_id": tid, "name": f"队员{i}{k}", "phone": f"1380000{i:02d}{k:02d}"})
        ids.append(tid)
    return ids


def test_the_combined_file_is_the_one_built_in_memory(store, team_values, tmp_path):
    ids = teams(store, team_values, 4)
    paths = reg.export_registration(store, ids, tmp_path / "out", day=TODAY)
    assert len(paths) == 5 and "汇总" in paths[-1].name
    buffer = io.BytesIO()
    reg.build_registration(store, ids, day=TODAY).save(buffer)
    whole, streamed = shape(docx.Document(buffer)), shape(docx.Document(str(paths[-1])))
    assert streamed[0] == whole[0]
    assert streamed[1] == whole[1] and len(streamed[1]) == 4
    assert all(footer == [" PAGE ", " SECTIONPAGES "] for _, footer, _, _, _ in streamed[1])
    assert streamed[2] == whole[2]
    single = shape(docx.Document(str(paths[0])))      # a file of one form counts the file's pages
    assert single[1][0][1] == [" PAGE ", " NUMPAGES "]


def test_one_document_at_a_time(store, team_values, tmp_path, monkeypatch):
    ids = teams(store, team_values, 11)
    real, alive = reg.build_registration, []

    def build(store_, team_ids, **kw):
        assert len(team_ids) == 1                          # each team's form built once, on its own
        # the export itself lets the documents go (their objects hold cycles: it collects every few teams)
        assert sum(ref() is not None for ref in alive) <= reg.COLLECT_EVERY
        doc = real(store_, team_ids, **kw)
        alive.append(weakref.ref(doc))
        return doc
    monkeypatch.setattr(reg, "build_registration", build)
    paths = reg.export_registration(store, ids, tmp_path / "out", day=TODAY)
    gc.collect()
    assert sum(ref() is not None for ref in alive) == 0       # nothing of the export keeps a document
    assert len(alive) == 11 and len(paths) == 12
    combined = docx.Document(str(paths[-1]))
    assert sum(p.text == reg.TITLE for p in combined.paragraphs) == 11 and len(combined.sections) == 11
