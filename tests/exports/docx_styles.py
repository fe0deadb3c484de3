"""Reading a .docx's formatting back as Word resolves it: a run's own properties, else its paragraph style's (and
the styles it is based on), else the document defaults. Runs in a styled paragraph carry no font of their own."""
import zipfile

from docx.oxml.ns import qn


def _style(doc, style_id):
    for el in doc.styles.element.findall(qn("w:style")):
        if el.get(qn("w:styleId")) == style_id:
            return el
    return None


def _paragraph_of(run):
    p = run.getparent()
    while p is not None and p.tag != qn("w:p"):
        p = p.getparent()
    return p


def _style_chain(doc, p):
    """The paragraph's style and those it is based on, nearest first."""
    ppr = p.find(qn("w:pPr")) if p is not None else None
    pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
    style_id = pstyle.get(qn("w:val")) if pstyle is not None else "Normal"
    chain, seen = [], set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        el = _style(doc, style_id)
        if el is None:
            break
        chain.append(el)
        based = el.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return chain


def run_property(doc, run, tag, attr="w:val"):
    """The value of rPr/tag@attr that applies to a w:r element (None when nothing says it)."""
    rprs = [run.find(qn("w:rPr"))]
    rprs += [s.find(qn("w:rPr")) for s in _style_chain(doc, _paragraph_of(run))]
    rprs.append(doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for rpr in rprs:
        el = rpr.find(qn(tag)) if rpr is not None else None
        if el is not None and el.get(qn(attr)) is not None:
            return el.get(qn(attr))
        if el is not None and attr == "w:val":
            return "1"          # <w:b/>: on
    return None


def east_asia(doc, run):
    """The East Asian font a run prints in."""
    return run_property(doc, run, "w:rFonts", "w:eastAsia")


def size_pt(doc, run):
    half = run_property(doc, run, "w:sz")
    return None if half is None else int(half) / 2


def style_names(path) -> tuple[dict[str, str], set[str]]:
    """({styleId: name} of the paragraph styles in styles.xml, the styleIds document.xml's paragraphs name)."""
    from lxml import etree
    with zipfile.ZipFile(path) as z:
        styles, document = etree.fromstring(z.read("word/styles.xml")), etree.fromstring(z.read("word/document.xml"))
    defined = {el.get(qn("w:styleId")): el.find(qn("w:name")).get(qn("w:val")) for el in styles.iter(qn("w:style"))
               if el.get(qn("w:type")) == "paragraph"}
    used = {el.get(qn("w:val")) for el in document.iter(qn("w:pStyle"))}
    return defined, used


def without_file_times(xml: bytes) -> bytes:
    """docProps/core.xml without its created/modified times (the real time of the export)."""
    import re
    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\1", xml)
