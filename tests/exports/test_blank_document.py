"""document.new_document: the first document of a process is the blank _blank built (not read back from its file),
every later one read from that file; both are the same document, and neither shares anything with the other."""
import datetime as dt
import io
import zipfile

from leifeng_desktop.exports import document as d

WHEN = dt.datetime(2026, 1, 1, 9, 0)


def parts(doc) -> dict[str, bytes]:
    out = io.BytesIO()
    doc.save(out)
    z = zipfile.ZipFile(out)
    return {name: z.read(name) for name in z.namelist()}


def test_the_built_blank_and_the_blank_read_back_are_the_same_document():
    d._blank.cache_clear()
    d._spare.clear()
    built = d.new_document(title="总结", author="XX市总工会", created=WHEN)
    assert not d._spare                                   # handed out once
    read = d.new_document(title="总结", author="XX市总工会", created=WHEN)
    assert built is not read and parts(built) == parts(read)
    d.add_paragraph(built, "只在第一份", style=d.st.BODY)
    assert "只在第一份" not in parts(d.new_document(created=WHEN))["word/document.xml"].decode()
    assert parts(read) == parts(d.new_document(title="总结", author="XX市总工会", created=WHEN))
