"""document.new_document: the first document is the blank _blank built (handed out by the thread that built it),
every later one read from its file; both are the same document, and neither shares anything with the other."""
import datetime as dt
import io
import threading
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
    d._spare.__dict__.clear()
    built = d.new_document(title="总结", author="XX市总工会", created=WHEN)
    assert not hasattr(d._spare, "doc")                   # handed out once
    read = d.new_document(title="总结", author="XX市总工会", created=WHEN)
    assert built is not read and parts(built) == parts(read)
    d.add_paragraph(built, "只在第一份", style=d.st.BODY)
    assert "只在第一份" not in parts(d.new_document(created=WHEN))["word/document.xml"].decode()
    assert parts(read) == parts(d.new_document(title="总结", author="XX市总工会", created=WHEN))


def test_another_thread_reads_the_blank_from_its_file():
    d._blank.cache_clear()
    d._spare.__dict__.clear()
    made = []
    worker = threading.Thread(target=lambda: made.append(d._blank()))
    worker.start()
    worker.join()
    assert made and not hasattr(d._spare, "doc")         # the worker's own spare is not this thread's
    assert parts(d.new_document(created=WHEN)) == parts(d.new_document(created=WHEN))
