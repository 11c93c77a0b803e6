#!/usr/bin/env python3
"""Writes the Word fixtures (fixtures/word): unit descriptions and assessment grids.

The same seed units and the same Finnish grid are written by two writers, so
tests can require that both import to the same records:

  seed-units.python-docx.docx     the two seed units (docs/domain.md), python-docx:
                                  list items by the "List Bullet" / "List Bullet 2" styles,
                                  labels and values in neighbouring cells, gridSpan merges
  seed-units.libreoffice.docx     the same, written as flat ODT and converted by LibreOffice
                                  (its own numbering definitions and merges)
  seed-grid.python-docx.docx      the seed's Finnish 1-3 grid filled in for a learner: header
                                  fields as paragraphs above, X marks, a merged section row,
                                  remarks in a merged row below
  seed-grid.libreoffice.docx      the same grid via LibreOffice, as two tables (the second
                                  section with its own 1 2 3 header row)
  three-units.docx                three units: one with labels and values in one cell and typed
                                  bullets (•, -, –, o); two stacked in one table
  unit-latvian.docx               a unit with Latvian labels (Vienības nosaukums, Kvalifikācija,
                                  EKI/LKI līmenis, Zināšanas/Prasmes/Kompetence), a tracked
                                  insertion and deletion and a content control
  unit-merged-ksc.docx            a unit whose title and qualification are paragraphs above a
                                  layout table holding a nested K/S/C table, merged differently
                                  (a spanning header, a vertically merged knowledge cell,
                                  skills split over two rows)
  grid-ticks.docx                 a grid filled with ticks: ✓ typed, Wingdings ticks, checkbox
                                  content controls and a legacy form-field checkbox; header
                                  fields in a table of their own above the grid
  grid-problems.docx              a grid with a row marked twice, a row not marked and a rating
                                  cell holding a note

The unit texts are those of scripts/make-demo-fixtures.py (cleaned-up seed units).
Needs: pip install python-docx; LibreOffice (soffice).
Run from the repository root: scripts/make-docx-fixtures.py
"""
import copy
import importlib.util
import os
import subprocess
import tempfile
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("demo", os.path.join(HERE, "make-demo-fixtures.py"))
demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo)
UNIT, QUALS = demo.UNIT, demo.QUALS

OUT = "fixtures/word"

# The seed's "Area of work tasks" (the demo keeps the Latvian wording).
AREA_EN = {
    "0101": "Vehicle stability management systems",
    "0102": "Information and research before, due and after cross-border exchange",
    "0201": "Restoration of metal objects",
    "0202": "Communication at the workplace",
}
PLACEHOLDER = "< brief overview of the steps, required to fulfil the task>"

# The Finnish grid of the seed, in two sections.
GRID_1 = [
    "Communication skills", "Knowledge and understanding of his/hers field of study",
    "Relaying instructions", "Teamwork", "Initiative", "Consideration", "Leadership",
    "Inquisitive", "Basic skills",
    "Active learning - Adaptability and understanding of new information",
    "Active listening – gives his/hers full attention",
    "Critical thinking – identifies strengths and weaknesses and can solve problems easily",
    "Reading comprehension", "Writing", "Coordination of tasks",
]
GRID_2_TITLE = "Workplace competency"
GRID_2 = [
    "positive attitude towards safety", "wears proper / required attire",
    "maintains clean and safe work environment", "understands safety sign’s and guidelines",
    "demonstrates accuracy", "identifies the customers needs and or problems",
    "seeks feedback for improving quality", "accepts and uses constructive criticism",
    "show willingness to learn",
    "interacts with others in ways that are tactful, courteous and friendly",
    "uses appropriate nonverbal communication (eye contact, gesture, posture)",
    "demonstrates respect for others ideas, opinions and contributions",
    "shows respect for rights and property",
]


def ratings(n, seed):
    """A fixed pattern of ratings 1-3 (tests recompute it)."""
    return [1 + (i * 7 + seed) % 3 for i in range(n)]


GRID_HEADER = [
    ("Learner", "Anna Ozola"),
    ("Unit", "Vehicle stability management systems"),
    ("Host organisation", "Oy Autokorjaamo Virtanen Ab"),
    ("Assessor", "Matti Virtanen"),
    ("Date", "28.03.2025"),
]
GRID_REMARKS = "Very accurate in diagnostics."


def ksc(unit, lang):
    """Knowledge, skills and competence lists: (intro, items) per category."""
    intro_k = "He/she knows:" if unit["code"] != "0102" else "He/she is able to:"  # as in the seed
    if lang == "lv":
        return [("Viņš/viņa zina:", unit["k_lv"]), ("Viņš/viņa prot:", unit["s_lv"]),
                ("Viņš/viņa prot:", unit["c_lv"])]
    return [(intro_k, unit["k_en"]), ("He/she is able to:", unit["s_en"]),
            ("He/she is able to:", unit["c_en"])]


# --- python-docx ---------------------------------------------------------------------------

def set_cell(cell, text):
    cell.paragraphs[0].text = text


def add_list(cell, intro, items, first_empty=True):
    """Intro line, headings (ending with ':') as plain paragraphs, items in list styles."""
    p0 = cell.paragraphs[0]
    p0.text = intro
    for it in items:
        if isinstance(it, tuple):
            cell.add_paragraph(it[0], style="List Bullet")
            for sub in it[1]:
                cell.add_paragraph(sub, style="List Bullet 2")
        elif it.endswith(":"):
            cell.add_paragraph(it)
        else:
            cell.add_paragraph(it, style="List Bullet")


def unit_table(doc, unit):
    """The seed template: 6 columns, labels left of their values."""
    q = QUALS[unit["qual"]]
    t = doc.add_table(rows=6, cols=6)
    t.style = "Table Grid"
    rows = t.rows
    set_cell(t.cell(0, 0), "Name of the Unit:")
    t.cell(0, 1).merge(t.cell(0, 5))
    set_cell(t.cell(0, 1), unit["en"])
    set_cell(t.cell(1, 0), "Reference to the qualification:")
    t.cell(1, 1).merge(t.cell(1, 5))
    set_cell(t.cell(1, 1), q["en"])
    for c, text in enumerate(["Area of work tasks:", AREA_EN[unit["code"]], "EQF-level:", str(q["eqf"]),
                              "National level:", str(q["nqf"])]):
        set_cell(t.cell(2, c), text)
    set_cell(t.cell(3, 0), "Description of the Unit:")
    t.cell(3, 1).merge(t.cell(3, 5))
    set_cell(t.cell(3, 1), PLACEHOLDER)
    for i, head in enumerate(["Knowledge", "Skills", "Competence"]):
        a = t.cell(4, 2 * i).merge(t.cell(4, 2 * i + 1))
        set_cell(a, head)
        b = t.cell(5, 2 * i).merge(t.cell(5, 2 * i + 1))
        intro, items = ksc(unit, "en")[i]
        add_list(b, intro, items)
    return t


def write_seed_units_python_docx(path):
    doc = Document()
    doc.add_heading("Units of learning outcomes", 1)
    for code in ("0101", "0102"):
        unit_table(doc, UNIT[code])
        doc.add_paragraph("")
    doc.save(path)


def grid_table(doc, sections, marks, merged_sections=True):
    rows = 1 + sum(len(items) + (1 if title else 0) for title, items in sections) + 1
    t = doc.add_table(rows=rows, cols=4)
    t.style = "Table Grid"
    for c, text in enumerate(["Criteria", "1", "2", "3"]):
        set_cell(t.cell(0, c), text)
    r = 1
    k = 0
    for title, items in sections:
        if title:
            m = t.cell(r, 0).merge(t.cell(r, 3))
            set_cell(m, title)
            r += 1
        for it in items:
            set_cell(t.cell(r, 0), "• " + it)
            set_cell(t.cell(r, marks[k]), "X")
            k += 1
            r += 1
    m = t.cell(r, 0).merge(t.cell(r, 3))
    set_cell(m, "Remarks: " + GRID_REMARKS)
    return t


def write_seed_grid_python_docx(path):
    doc = Document()
    doc.add_heading("Assessment of learning outcomes (Finland)", 1)
    for label, value in GRID_HEADER:
        doc.add_paragraph(f"{label}: {value}")
    marks = ratings(len(GRID_1), 1) + ratings(len(GRID_2), 2)
    grid_table(doc, [(None, GRID_1), (GRID_2_TITLE, GRID_2)], marks)
    doc.add_paragraph("Signature of the assessor: ______________")
    doc.save(path)


def write_three_units(path):
    doc = Document()
    doc.add_heading("Restoration and language units", 1)
    # Unit 1: one column of labels with their values in the same cell, typed bullets.
    u = UNIT["0201"]
    q = QUALS[u["qual"]]
    t = doc.add_table(rows=5, cols=2)
    t.style = "Table Grid"
    head = t.cell(0, 0).merge(t.cell(0, 1))
    head.paragraphs[0].text = f"Unit code: {u['code']}"
    head.add_paragraph(f"Name of the Unit: {u['en']}")
    head.add_paragraph(f"Reference to the qualification: {q['en']}")
    info = t.cell(1, 0).merge(t.cell(1, 1))
    info.paragraphs[0].text = f"EQF-level: {q['eqf']}"
    info.add_paragraph(f"National level: {q['nqf']}")
    info.add_paragraph(f"ECVET points: {u['ecvet']}")
    for r, (head, marker, items) in enumerate([
        ("Knowledge", "•", u["k_en"]), ("Skills", "-", u["s_en"]), ("Competence", "–", u["c_en"]),
    ]):
        set_cell(t.cell(2 + r, 0), head)
        cell = t.cell(2 + r, 1)
        lines = [f"{marker} {it}" for it in items]
        if head == "Competence":
            lines.insert(1, "o with the owner of the object")
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    doc.add_paragraph("")
    # Units 2 and 3 stacked in one table.
    t = doc.add_table(rows=12, cols=3)
    t.style = "Table Grid"
    for base, code in ((0, "0202"), (6, "0102")):
        u = UNIT[code]
        q = QUALS[u["qual"]]
        set_cell(t.cell(base, 0), "Name of the Unit:")
        set_cell(t.cell(base, 1).merge(t.cell(base, 2)), u["en"])
        set_cell(t.cell(base + 1, 0), "Unit code:")
        set_cell(t.cell(base + 1, 1).merge(t.cell(base + 1, 2)), code)
        set_cell(t.cell(base + 2, 0), "Reference to the qualification:")
        set_cell(t.cell(base + 2, 1).merge(t.cell(base + 2, 2)), q["en"])
        set_cell(t.cell(base + 3, 0), f"EQF-level: {q['eqf']}")
        set_cell(t.cell(base + 3, 1), f"National level: {q['nqf']}")
        set_cell(t.cell(base + 3, 2), f"ECVET points: {u['ecvet']}")
        for i, head in enumerate(["Knowledge", "Skills", "Competence"]):
            set_cell(t.cell(base + 4, i), head)
            intro, items = ksc(u, "en")[i]
            add_list(t.cell(base + 5, i), intro, items)
    doc.save(path)


W14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'


def run_xml(text):
    return f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def write_unit_latvian(path):
    u = UNIT["0101"]
    q = QUALS[u["qual"]]
    doc = Document()
    doc.add_heading("Mācīšanās rezultātu vienības apraksts", 1)
    t = doc.add_table(rows=7, cols=3)
    t.style = "Table Grid"
    set_cell(t.cell(0, 0), "Vienības kods")
    set_cell(t.cell(0, 1).merge(t.cell(0, 2)), u["code"])
    set_cell(t.cell(1, 0), "Vienības nosaukums")
    title = t.cell(1, 1).merge(t.cell(1, 2))
    # A tracked insertion completes the title; a tracked deletion removes a wrong word.
    words = u["lv"].split(" ")
    p = title.paragraphs[0]._p
    p.append(parse_xml(run_xml(" ".join(words[:-1]) + " ")))
    p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="11" w:author="Inese" w:date="2025-01-10T10:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">apakšsistēmas </w:delText></w:r></w:del>'))
    p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="12" w:author="Inese" w:date="2025-01-10T10:00:00Z">'
        + run_xml(words[-1]).replace(f' {nsdecls("w")}', "") + '</w:ins>'))
    set_cell(t.cell(2, 0), "Kvalifikācija")
    # The qualification is typed into a content control.
    qcell = t.cell(2, 1).merge(t.cell(2, 2))
    qcell.paragraphs[0]._p.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="Kvalifikācija"/><w:tag w:val="qualification"/></w:sdtPr>'
        f'<w:sdtContent>{run_xml(q["lv"]).replace(" " + nsdecls("w"), "")}</w:sdtContent></w:sdt>'))
    set_cell(t.cell(3, 0), "EKI līmenis")
    eqf = t.cell(3, 1).merge(t.cell(3, 2))
    eqf.paragraphs[0]._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="13" w:author="Inese" w:date="2025-01-10T10:00:00Z">'
        f'<w:r><w:delText>3</w:delText></w:r></w:del>'))
    eqf.paragraphs[0]._p.append(parse_xml(run_xml(str(q["eqf"]))))
    set_cell(t.cell(4, 0), "LKI līmenis")
    set_cell(t.cell(4, 1).merge(t.cell(4, 2)), str(q["nqf"]))
    for i, head in enumerate(["Zināšanas", "Prasmes", "Kompetence"]):
        set_cell(t.cell(5, i), head)
        intro, items = ksc(u, "lv")[i]
        add_list(t.cell(6, i), intro, items)
    doc.save(path)


def write_unit_merged_ksc(path):
    u = UNIT["0202"]
    q = QUALS[u["qual"]]
    doc = Document()
    doc.add_paragraph(f"Name of the Unit: {u['en']}")
    doc.add_paragraph(f"Reference to the qualification: {q['en']}")
    doc.add_paragraph(f"EQF-level: {q['eqf']}")
    doc.add_paragraph(f"National level: {q['nqf']}")
    # A one-cell layout table holding the K/S/C table.
    outer = doc.add_table(rows=1, cols=1)
    outer.style = "Table Grid"
    inner = outer.cell(0, 0).add_table(rows=4, cols=3)
    inner.style = "Table Grid"
    top = inner.cell(0, 0).merge(inner.cell(0, 2))
    set_cell(top, "Learning outcomes")
    for i, head in enumerate(["Knowledge", "Skills", "Competence"]):
        set_cell(inner.cell(1, i), head)
    k = inner.cell(2, 0).merge(inner.cell(3, 0))
    add_list(k, "He/she knows:", u["k_en"])
    # Skills: one statement per row.
    s = u["s_en"]
    inner.cell(2, 1).paragraphs[0].text = ""
    inner.cell(2, 1).paragraphs[0].style = "List Bullet"
    inner.cell(2, 1).paragraphs[0].add_run(s[0])
    inner.cell(3, 1).paragraphs[0].style = "List Bullet"
    inner.cell(3, 1).paragraphs[0].add_run(s[1])
    c = inner.cell(2, 2).merge(inner.cell(3, 2))
    add_list(c, "He/she is able to:", u["c_en"])
    doc.save(path)


def checkbox(checked):
    mark = "☒" if checked else "☐"
    return (
        f'<w:sdt {nsdecls("w")} {W14}><w:sdtPr><w14:checkbox><w14:checked w14:val="{1 if checked else 0}"/>'
        f'<w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
        f'</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:hAnsi="MS Gothic"/></w:rPr>'
        f'<w:t>{mark}</w:t></w:r></w:sdtContent></w:sdt>'
    )


def legacy_checkbox(checked):
    on = '<w:checked/>' if checked else ''
    return (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/>'
        f'<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/>{on}</w:checkBox></w:ffData>'
        f'</w:fldChar></w:r>'
    ), (
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
    ), (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'
    )


def write_grid_ticks(path):
    doc = Document()
    doc.add_heading("Assessment grid", 1)
    head = doc.add_table(rows=5, cols=2)
    head.style = "Table Grid"
    for r, (label, value) in enumerate([
        ("Student's name", "Jānis Bērziņš"),
        ("Unit", "Professional terminology in a foreign language"),
        ("Company", "Oy Autokorjaamo Virtanen Ab"),
        ("Assessor", "Matti Virtanen"),
        ("Date of the assessment", "28.03.2025"),
    ]):
        set_cell(head.cell(r, 0), label)
        set_cell(head.cell(r, 1), value)
    doc.add_paragraph("")
    items = GRID_1[:8]
    marks = ratings(len(items), 0)
    t = doc.add_table(rows=1 + len(items), cols=4)
    t.style = "Table Grid"
    for c, text in enumerate(["Criterion", "1", "2", "3"]):
        set_cell(t.cell(0, c), text)
    for r, (item, mark) in enumerate(zip(items, marks), start=1):
        set_cell(t.cell(r, 0), item)
        kind = r % 4
        for col in (1, 2, 3):
            p = t.cell(r, col).paragraphs[0]._p
            chosen = col == mark
            if kind == 0:
                # Checkbox content controls in every rating cell.
                p.append(parse_xml(checkbox(chosen)))
            elif kind == 1 and chosen:
                p.append(parse_xml(run_xml("✓")))
            elif kind == 2 and chosen:
                p.append(parse_xml(f'<w:r {nsdecls("w")}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'))
            elif kind == 3:
                # Legacy form-field checkboxes.
                for part in legacy_checkbox(chosen):
                    p.append(parse_xml(part))
    doc.save(path)


def write_grid_problems(path):
    doc = Document()
    for label, value in [("Learner", "Līga Kalniņa"), ("Unit", "Vehicle stability management systems")]:
        doc.add_paragraph(f"{label}: {value}")
    t = doc.add_table(rows=5, cols=4)
    t.style = "Table Grid"
    for c, text in enumerate(["Criteria", "1", "2", "3"]):
        set_cell(t.cell(0, c), text)
    rows = [
        ("Communication skills", {2: "X"}),
        ("Teamwork", {1: "X", 3: "X"}),
        ("Initiative", {}),
        ("Leadership", {3: "?? ask mentor"}),
    ]
    for r, (item, cells) in enumerate(rows, start=1):
        set_cell(t.cell(r, 0), item)
        for col, text in cells.items():
            set_cell(t.cell(r, col), text)
    doc.save(path)


# --- LibreOffice, from flat ODT ------------------------------------------------------------

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
 <text:list-style style:name="L1">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.25in" fo:margin-left="0.25in"/>
   </style:list-level-properties>
  </text:list-level-style-bullet>
  <text:list-level-style-bullet text:level="2" text:bullet-char="o">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.25in" fo:margin-left="0.5in"/>
   </style:list-level-properties>
  </text:list-level-style-bullet>
 </text:list-style>
</office:automatic-styles>
<office:body><office:text>
"""
FODT_TAIL = "</office:text></office:body></office:document>\n"


def p(text):
    return f"<text:p>{escape(text)}</text:p>"


def fodt_list(items):
    out = ['<text:list text:style-name="L1">']
    for it in items:
        if isinstance(it, tuple):
            subs = "".join(f"<text:list-item>{p(s)}</text:list-item>" for s in it[1])
            out.append(f"<text:list-item>{p(it[0])}<text:list>{subs}</text:list></text:list-item>")
        else:
            out.append(f"<text:list-item>{p(it)}</text:list-item>")
    out.append("</text:list>")
    return "".join(out)


def fodt_items(intro, items):
    """Headings as paragraphs between the lists, as in the python-docx version."""
    out = [p(intro)]
    run = []
    for it in items:
        if isinstance(it, str) and it.endswith(":"):
            if run:
                out.append(fodt_list(run))
                run = []
            out.append(p(it))
        else:
            run.append(it)
    if run:
        out.append(fodt_list(run))
    return "".join(out)


def cell(content, span=1):
    covered = "<table:covered-table-cell/>" * (span - 1)
    attr = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    return f'<table:table-cell office:value-type="string"{attr}>{content}</table:table-cell>{covered}'


def row(*cells):
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def fodt_table(name, cols, rows):
    return (f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="{cols}"/>'
            + "".join(rows) + "</table:table>")


def write_seed_units_fodt(path):
    parts = [FODT_HEAD, "<text:h text:outline-level=\"1\">Units of learning outcomes</text:h>"]
    for n, code in enumerate(("0101", "0102"), start=1):
        u = UNIT[code]
        q = QUALS[u["qual"]]
        rows = [
            row(cell(p("Name of the Unit:")), cell(p(u["en"]), 5)),
            row(cell(p("Reference to the qualification:")), cell(p(q["en"]), 5)),
            row(*(cell(p(t)) for t in ["Area of work tasks:", AREA_EN[code], "EQF-level:", str(q["eqf"]),
                                       "National level:", str(q["nqf"])])),
            row(cell(p("Description of the Unit:")), cell(p(PLACEHOLDER), 5)),
            row(*(cell(p(h), 2) for h in ["Knowledge", "Skills", "Competence"])),
            row(*(cell(fodt_items(intro, items), 2) for intro, items in ksc(u, "en"))),
        ]
        parts.append(fodt_table(f"Unit{n}", 6, rows))
        parts.append(p(""))
    parts.append(FODT_TAIL)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))


def write_seed_grid_fodt(path):
    parts = [FODT_HEAD, "<text:h text:outline-level=\"1\">Assessment of learning outcomes (Finland)</text:h>"]
    for label, value in GRID_HEADER:
        parts.append(p(f"{label}: {value}"))
    marks = ratings(len(GRID_1), 1) + ratings(len(GRID_2), 2)
    k = 0
    for n, (title, items) in enumerate([("Criteria", GRID_1), (GRID_2_TITLE, GRID_2)], start=1):
        rows = [row(*(cell(p(t)) for t in [title, "1", "2", "3"]))]
        for it in items:
            rows.append(row(cell(fodt_list([it])), *(cell(p("x" if marks[k] == c else "")) for c in (1, 2, 3))))
            k += 1
        parts.append(fodt_table(f"Grid{n}", 4, rows))
        parts.append(p(""))
    parts.append(p(f"Remarks: {GRID_REMARKS}"))
    parts.append(FODT_TAIL)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))


def soffice_docx(src, outdir):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "docx:MS Word 2007 XML", "--outdir", outdir, src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    os.makedirs(OUT, exist_ok=True)
    write_seed_units_python_docx(f"{OUT}/seed-units.python-docx.docx")
    write_seed_grid_python_docx(f"{OUT}/seed-grid.python-docx.docx")
    write_three_units(f"{OUT}/three-units.docx")
    write_unit_latvian(f"{OUT}/unit-latvian.docx")
    write_unit_merged_ksc(f"{OUT}/unit-merged-ksc.docx")
    write_grid_ticks(f"{OUT}/grid-ticks.docx")
    write_grid_problems(f"{OUT}/grid-problems.docx")
    with tempfile.TemporaryDirectory() as tmp:
        for name, writer in [("seed-units", write_seed_units_fodt), ("seed-grid", write_seed_grid_fodt)]:
            src = os.path.join(tmp, f"{name}.libreoffice.fodt")
            writer(src)
            soffice_docx(src, OUT)
    for f in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, f)):>8}  {OUT}/{f}")


if __name__ == "__main__":
    main()
