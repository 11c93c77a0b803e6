#!/usr/bin/env python3
"""Writes fixtures/bad/: broken, strange and hostile files, one case each.

Agencies receive files from hundreds of schools; some are damaged, some
are odd, a few may be malicious. Every file here must get a clear
diagnostic (tests/bad_input.rs holds the expected code of each) within a
few seconds, without a panic and without a file written outside the
output folder.

The files are written byte by byte with the standard library (zipfile,
zlib, struct), so each one is exactly the case it is meant to be, and all
are small: a "1 MB cell", a "1,048,576-row sheet" and a "zip bomb" are
kilobytes of deflate that only grow when unpacked. The two
password-protected files are real Office encryption (ECMA-376 Agile,
AES-256, password "europass"), made with msoffcrypto-tool; its random salt
and the time it stamps are replaced by fixed ones so a re-run gives the same
bytes (this reaches into msoffcrypto-tool 6.1's modules).

Needs: Python 3.11; pip install msoffcrypto-tool==6.1.0.
Run from the repository root: scripts/make-bad-fixtures.py
"""
import datetime
import hashlib
import io
import os
import shutil
import struct
import sys
import zipfile
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "bad")
STAMP = (2025, 1, 1, 0, 0, 0)

FILES = {}


def fixture(name):
    """Registers a function that returns the bytes of fixtures/bad/NAME."""

    def register(make):
        FILES[name] = make
        return make

    return register


# --------------------------------------------------------------------------
# Zip, xlsx, docx and ods, by hand


def zip_bytes(parts, level=9):
    """A zip archive of (name, bytes) parts, deflated, with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(data, str):
                data = data.encode("utf-8")
            z.writestr(info, data, compresslevel=level)
    return buf.getvalue()


def esc(text):
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def col_name(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def cell_xml(ref, value):
    """One <c>: text as an inline string, numbers as numbers; tuples for the
    special cases: ("err", "#REF!"), ("f", formula, cached-or-None), ("raw", xml)."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        kind = value[0]
        if kind == "err":
            return f'<c r="{ref}" t="e"><v>{esc(value[1])}</v></c>'
        if kind == "f":
            formula, cached = value[1], value[2]
            if cached is None:
                return f'<c r="{ref}"><f>{esc(formula)}</f></c>'
            if isinstance(cached, str) and cached.startswith("#"):
                return f'<c r="{ref}" t="e"><f>{esc(formula)}</f><v>{esc(cached)}</v></c>'
            if isinstance(cached, str):
                return f'<c r="{ref}" t="str"><f>{esc(formula)}</f><v>{esc(cached)}</v></c>'
            return f'<c r="{ref}"><f>{esc(formula)}</f><v>{cached}</v></c>'
        if kind == "raw":
            return value[1]
        raise ValueError(kind)
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{esc(value)}</t></is></c>'


def sheet_xml(rows, extra_rows=""):
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    ]
    for r, row in enumerate(rows, start=1):
        cells = "".join(cell_xml(f"{col_name(c)}{r}", v) for c, v in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    out.append(extra_rows)
    out.append("</sheetData></worksheet>")
    return "".join(out)


CONTENT_TYPES_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/>'
    "</Relationships>"
)


def xlsx(sheets, shared_strings=None, extra_parts=(), sheet_parts=None):
    """An .xlsx of (name, sheet XML) pairs. `sheet_parts` replaces the sheet
    XML of a part by raw bytes (for truncated parts)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{esc(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    strings = shared_strings or []
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
        + "</sst>"
    )
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES_XLSX.format(sheets=overrides)),
        ("_rels/.rels", ROOT_RELS.format(target="xl/workbook.xml")),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/sharedStrings.xml", sst),
    ]
    for i, (_, xml) in enumerate(sheets, start=1):
        data = (sheet_parts or {}).get(i, xml)
        parts.append((f"xl/worksheets/sheet{i}.xml", data))
    parts.extend(extra_parts)
    return zip_bytes(parts)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", extra_parts=(), extra_types=""):
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{content_type}"/>'
        f"{extra_types}</Types>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    return zip_bytes(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", ROOT_RELS.format(target="word/document.xml")),
            ("word/document.xml", document),
            *extra_parts,
        ]
    )


def para(text):
    return f'<w:p><w:r><w:t xml:space="preserve">{esc(text)}</w:t></w:r></w:p>'


def table(rows):
    return (
        "<w:tbl><w:tblGrid>"
        + "<w:gridCol w:w=\"3000\"/>" * max(len(r) for r in rows)
        + "</w:tblGrid>"
        + "".join(
            "<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows
        )
        + "</w:tbl>"
    )


UNIT_TABLE = table(
    [
        ["Name of the Unit:", "Maintenance of braking systems"],
        ["Unit code:", "AUTO-07"],
        ["EQF-level:", "4"],
        ["Knowledge", "He/she knows the parts of a hydraulic brake system"],
    ]
)


def ods(content_body, mimetype="application/vnd.oasis.opendocument.spreadsheet"):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body>{content_body}</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("mimetype", STAMP)
        info.compress_type = zipfile.ZIP_STORED
        z.writestr(info, mimetype)
        for name, data in [("content.xml", content), ("META-INF/manifest.xml", manifest)]:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def ods_cell(value):
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{esc(value)}</text:p></table:table-cell>'


# --------------------------------------------------------------------------
# A compound file (OLE2 / CFB, version 3), for Office 97-2003 documents


def cfb(streams):
    """A compound file holding `streams` (name, bytes) in its root storage.
    Streams are padded to 4096 bytes so that none lives in the mini stream."""
    sector = 512
    free, end_chain, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    streams = [(n, d + b"\0" * max(0, 4096 - len(d))) for n, d in streams]
    # Siblings are a binary search tree ordered by name length, then by the
    # upper-cased name: in that order, each one the right sibling of the last.
    streams.sort(key=lambda s: (len(s[0]), s[0].upper()))
    # Sector layout: [FAT] [directory] [stream 1] [stream 2] ...
    layout = []
    next_sector = 2
    for name, data in streams:
        count = (len(data) + sector - 1) // sector
        layout.append((name, data, next_sector, count))
        next_sector += count
    total = next_sector
    assert total <= sector // 4, "one FAT sector is enough for these files"
    fat = [fat_sect, end_chain]
    for _, _, start, count in layout:
        fat.extend(start + i + 1 for i in range(count - 1))
        fat.append(end_chain)
    fat += [free] * (sector // 4 - len(fat))

    def entry(name, kind, start, size, child=0xFFFFFFFF, left=0xFFFFFFFF, right=0xFFFFFFFF):
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)  # black
            + struct.pack("<III", left, right, child)
            + b"\0" * 16  # CLSID
            + struct.pack("<I", 0)  # state bits
            + b"\0" * 16  # times
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, end_chain, 0, child=1)]
    for i, (name, data, start, _) in enumerate(layout, start=1):
        right = i + 1 if i < len(layout) else 0xFFFFFFFF
        e = bytearray(entry(name, 2, start, len(data), right=right))
        entries.append(bytes(e))
    directory = b"".join(entries)
    directory += b"\0" * (sector - len(directory) % sector if len(directory) % sector else 0)
    # Unused directory slots must be empty entries with no siblings.
    assert len(directory) == sector, "one directory sector"
    header = (
        bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_chain, 0, end_chain, 0)
    )
    difat = [0] + [free] * 108
    header += struct.pack("<109I", *difat)
    assert len(header) == sector
    body = struct.pack(f"<{sector // 4}I", *fat) + directory
    for _, data, _, count in layout:
        body += data.ljust(count * sector, b"\0")
    return header + body


# --------------------------------------------------------------------------
# The round the data-level cases are made of (English headers, mappings/en.toml)

HEADERS = [
    "Learner ID", "Given names", "Family name", "Date of birth",
    "Sending organisation", "Sending country", "Host organisation", "Host country",
    "Start date", "End date", "Qualification", "Unit code", "Unit title",
    "EQF level", "ECVET points", "Knowledge", "Grade", "Grading scale", "Assessment date",
]


def row(learner_id, given, family, **changes):
    values = {
        "Learner ID": learner_id,
        "Given names": given,
        "Family name": family,
        "Date of birth": "14.03.2006",
        "Sending organisation": "Vidzemes Profesionālā vidusskola",
        "Sending country": "LV",
        "Host organisation": "Autohaus Müller GmbH",
        "Host country": "DE",
        "Start date": "02.03.2025",
        "End date": "28.03.2025",
        "Qualification": "Motor vehicle mechanic",
        "Unit code": "AUTO-07",
        "Unit title": "Maintenance of braking systems",
        "EQF level": "4",
        "ECVET points": "3",
        "Knowledge": "Parts of a hydraulic brake system",
        "Grade": "8",
        "Grading scale": "lv-1-10",
        "Assessment date": "27.03.2025",
    }
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[h] for h in HEADERS]


def csv_text(rows, delimiter=";"):
    def field(v):
        v = str(v)
        if any(c in v for c in [delimiter, '"', "\n"]):
            return '"' + v.replace('"', '""') + '"'
        return v

    return "".join(delimiter.join(field(v) for v in r) + "\r\n" for r in [HEADERS, *rows])


# --------------------------------------------------------------------------
# Files that are not what they say, or nothing at all


@fixture("empty.xlsx")
def _():
    return b""


@fixture("bom-only.csv")
def _():
    return b"\xef\xbb\xbf"


@fixture("headers-only.csv")
def _():
    return csv_text([]).encode("utf-8")


def good_xlsx():
    rows = [HEADERS, row("GOOD-1", "Anna", "Ozola"), row("GOOD-2", "Jānis", "Bērziņš")]
    return xlsx([("Mobility", sheet_xml(rows))])


@fixture("truncated-zip.xlsx")
def _():
    data = good_xlsx()
    return data[: len(data) * 2 // 3]


@fixture("truncated-download.docx")
def _():
    data = docx(UNIT_TABLE)
    return data[: len(data) // 2]


@fixture("xlsx-renamed.docx")
def _():
    return good_xlsx()


@fixture("docx-renamed.xlsx")
def _():
    return docx(para("Unit descriptions") + UNIT_TABLE)


@fixture("docm-renamed.docx")
def _():
    # A macro-enabled document (vbaProject.bin, macro-enabled content type)
    # saved with a .docx name: Word itself refuses to open it.
    vba = cfb([("VBA_PROJECT_PLACEHOLDER", b"Attribute VB_Name = \"AutoOpen\"\r\n")])
    return docx(
        UNIT_TABLE,
        content_type="application/vnd.ms-word.document.macroEnabled.main+xml",
        extra_parts=[("word/vbaProject.bin", vba)],
        extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
    )


@fixture("html-saved-as.xls")
def _():
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>"
        for r in [HEADERS, row("HTML-1", "Anna", "Ozola")]
    )
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n'
        f"<body><table>{rows}</table></body></html>\n"
    ).encode("utf-8")


@fixture("web-archive-saved-as.xls")
def _():
    return (
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; boundary="----=_NextPart_01D9"\r\n\r\n'
        "------=_NextPart_01D9\r\n"
        "Content-Location: file:///C:/round.htm\r\n"
        "Content-Type: text/html; charset=\"utf-8\"\r\n\r\n"
        "<html><body><table><tr><td>Learner ID</td></tr></table></body></html>\r\n"
        "------=_NextPart_01D9--\r\n"
    ).encode("utf-8")


@fixture("excel-2003-xml.xls")
def _():
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="Mobility"><Table><Row><Cell><Data ss:Type="String">Learner ID</Data></Cell></Row></Table></Worksheet>'
        "</Workbook>\n"
    ).encode("utf-8")


@fixture("tab-text-saved-as.xls")
def _():
    # Web portals export "Excel" files that are tab-separated text.
    return csv_text([row("TAB-1", "Liene", "Kalniņa")], delimiter="\t").encode("utf-8")


@fixture("password-protected.xlsx")
def _():
    return encrypt(good_xlsx())


@fixture("password-protected.docx")
def _():
    return encrypt(docx(UNIT_TABLE))


def encrypt(plain):
    """Real ECMA-376 Agile encryption (what Office 2010+ writes), password
    "europass", with a fixed salt, key and time so that the bytes are reproducible."""
    try:
        import msoffcrypto.method.container.ecma376_encrypted as container
        import msoffcrypto.method.ecma376_agile as agile
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        sys.exit("make-bad-fixtures: pip install msoffcrypto-tool")
    counter = [0]

    def fixed_bytes(n):
        counter[0] += 1
        out = b""
        while len(out) < n:
            out += hashlib.sha256(f"europass-fixture-{counter[0]}-{len(out)}".encode()).digest()
        return out[:n]

    agile._random_buffer = fixed_bytes

    class FixedTime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2025, 1, 1)

    # The container's directory entries are stamped with the time of writing.
    container.datetime = FixedTime
    # msoffcrypto-tool cannot yet round-trip a package small enough to live
    # in the compound file's mini stream (under 4 KiB): give the document a
    # thumbnail, as Office does.
    if len(plain) < 8192:
        src = zipfile.ZipFile(io.BytesIO(plain))
        parts = [(n, src.read(n)) for n in src.namelist()]
        thumbnail = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(256))
        plain = zip_bytes(parts + [("docProps/thumbnail.jpeg", thumbnail)])
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("europass", out)
    encrypted = out.getvalue()
    # Check it is real: the password opens it again.
    back = io.BytesIO()
    f = OOXMLFile(io.BytesIO(encrypted))
    f.load_key(password="europass")
    f.decrypt(back)
    assert back.getvalue()[: len(plain)] == plain
    return encrypted


@fixture("word-97.doc")
def _():
    # The streams a Word 97-2003 document has (their content is not read).
    return cfb([("WordDocument", b"\xec\xa5\xc1\x00" + b"\0" * 508), ("1Table", b"\0" * 512)])


@fixture("opendocument-text.odt")
def _():
    return ods("<office:text><text:p>Learning agreement</text:p></office:text>",
               mimetype="application/vnd.oasis.opendocument.text")


@fixture("photos-zip-renamed.xlsx")
def _():
    return zip_bytes([("IMG_0001.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 200), ("IMG_0002.jpg", b"\xff\xd8\xff\xe0" + b"\1" * 200)])


@fixture("png-renamed.xlsx")
def _():
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")


@fixture("not-a-transcript.pdf")
def _():
    return simple_pdf("Minutes of the school board, 3 March 2025")


@fixture("truncated.pdf")
def _():
    data = simple_pdf("Personal transcript")
    return data[: len(data) // 2]


@fixture("deep-nesting.pdf")
def _():
    # A catalog holding 50,000 arrays, each inside the one before: a parser
    # that recursed per level would overflow its stack and end the whole run.
    return simple_pdf("Personal transcript", catalog_extra=b" /Nest " + b"[" * 50000 + b"]" * 50000)


def simple_pdf(text, catalog_extra=b""):
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


# --------------------------------------------------------------------------
# Spreadsheets broken inside


@fixture("formula-errors.xlsx")
def _():
    rows = [
        HEADERS,
        row("FERR-1", "Anna", "Ozola", **{"ECVET points": ("f", "VLOOKUP(L2,Units!A:C,3,FALSE)", "#REF!")}),
        row("FERR-2", "Jānis", "Bērziņš", **{"Grade": ("f", "SUM(T3:W3)/0", "#DIV/0!")}),
        row("FERR-3", "Liene", "Kalniņa", **{"Start date": ("err", "#N/A")}),
    ]
    return xlsx([("Mobility", sheet_xml(rows))])


@fixture("formulas-without-cached-values.xlsx")
def _():
    # What scripts and some exporters write: formulas, but no computed values.
    rows = [
        HEADERS,
        row("FNOV-1", "Anna", "Ozola", **{"ECVET points": ("f", "2+1", None), "Grade": ("f", "ROUND(7.6,0)", None)}),
        row("FNOV-2", "Jānis", "Bērziņš", **{"Family name": ("f", "PROPER(\"bērziņš\")", None)}),
    ]
    return xlsx([("Mobility", sheet_xml(rows))])


@fixture("million-rows.xlsx")
def _():
    # A header, two learners, then every row down to 1,048,576 formatted (as
    # Excel writes rows given a style: an element without cells), and a note
    # beside the table in the very last row: the sheet really has 1,048,576
    # rows. The formatted rows carry no row number (OOXML allows that: each
    # is the next row), so they compress to a few bytes each.
    rows = [HEADERS, row("MROW-1", "Anna", "Ozola"), row("MROW-2", "Jānis", "Bērziņš")]
    styled = '<row s="1" customFormat="1"/>' * (1048576 - 4)
    last = '<row r="1048576"><c r="T1048576" t="inlineStr"><is><t>end of list</t></is></c></row>'
    sheet = sheet_xml(rows, extra_rows=styled + last).replace(
        "<sheetData>", '<dimension ref="A1:T1048576"/><sheetData>'
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="2"><border/><border><left style="thin"/></border></borders>'
        '<cellXfs count="2"><xf fontId="0" fillId="0" borderId="0"/><xf fontId="0" fillId="0" borderId="1" applyBorder="1"/></cellXfs>'
        "</styleSheet>"
    )
    return xlsx([("Mobility", sheet)], extra_parts=[("xl/styles.xml", styles)])


@fixture("million-rows.ods")
def _():
    # One learner's row repeated down to row 1,048,576, in 24 columns: 25
    # million cells, more than the cells limit.
    header = "<table:table-row>" + "".join(ods_cell(h) for h in HEADERS) + "</table:table-row>"
    data = (
        '<table:table-row table:number-rows-repeated="1048575">'
        + "".join(ods_cell(v) for v in row("MODS-1", "Anna", "Ozola"))
        + '<table:table-cell table:number-columns-repeated="5" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    return ods(
        '<office:spreadsheet><table:table table:name="Mobility">'
        '<table:table-column table:number-columns-repeated="24"/>'
        f"{header}{data}</table:table></office:spreadsheet>"
    )


@fixture("one-megabyte-cell.xlsx")
def _():
    # 1,048,576 characters in one shared string: 1 KB of deflate.
    rows = [HEADERS, row("LONG-1", "Anna", "Ozola", Knowledge=("raw", '<c r="P2" t="s"><v>0</v></c>'))]
    return xlsx([("Mobility", sheet_xml(rows))], shared_strings=["x" * (1 << 20)])


@fixture("truncated-sheet-xml.xlsx")
def _():
    rows = [HEADERS, row("TRUNC-1", "Anna", "Ozola"), row("TRUNC-2", "Jānis", "Bērziņš")]
    xml = sheet_xml(rows)
    cut = xml.index("<c r=\"C3\"") + 6  # mid-element: '<c r="C'
    return xlsx([("Mobility", xml)], sheet_parts={1: xml[:cut]})


@fixture("shared-string-out-of-range.xlsx")
def _():
    rows = [HEADERS, row("SST-1", "Anna", "Ozola", **{"Family name": ("raw", '<c r="C2" t="s"><v>4000000000</v></c>')})]
    return xlsx([("Mobility", sheet_xml(rows))], shared_strings=["only one"])


@fixture("cell-reference-out-of-range.xlsx")
def _():
    # Cell references past XFD1048576 (and a negative-looking one): damage.
    extra = '<row r="3"><c r="XFE1048577" t="inlineStr"><is><t>far</t></is></c><c r="A0"><v>1</v></c></row>'
    rows = [HEADERS, row("REF-1", "Anna", "Ozola")]
    return xlsx([("Mobility", sheet_xml(rows, extra_rows=extra))])


@fixture("merged-cells-hostile.xlsx")
def _():
    # Merged ranges the wrong way round (calamine panicked on them), past the
    # last row of a sheet, and not a range at all.
    rows = [HEADERS, row("MERGE-1", "Anna", "Ozola"), row("MERGE-2", "Jānis", "Bērziņš")]
    merges = (
        '<mergeCells count="3"><mergeCell ref="U3:T2"/><mergeCell ref="A1048577:B1048578"/>'
        '<mergeCell ref="junk"/></mergeCells>'
    )
    sheet = sheet_xml(rows).replace("</sheetData></worksheet>", f"</sheetData>{merges}</worksheet>")
    return xlsx([("Mobility", sheet)])


@fixture("workbook-without-sheets.xlsx")
def _():
    return xlsx([])


@fixture("missing-sheet-part.xlsx")
def _():
    data = xlsx([("Mobility", sheet_xml([HEADERS]))])
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = [(n, src.read(n)) for n in src.namelist() if not n.startswith("xl/worksheets/")]
    return zip_bytes(parts)


@fixture("zip-slip-entry.xlsx")
def _():
    # A part whose name climbs out of any folder it would be unpacked to.
    rows = [HEADERS, row("SLIP-1", "Anna", "Ozola")]
    return xlsx([("Mobility", sheet_xml(rows))], extra_parts=[("../../../../../../etc/cron.d/europass-zip-slip", "* * * * * root echo owned")])


@fixture("zip-bomb.xlsx")
def _():
    return zip_bomb()


def zip_bomb():
    """An xlsx whose 300 extra parts share one deflate stream of 16 MiB of
    zeros (16 KB compressed): each part honestly unpacks to 16 MiB, and all
    of them to 4.7 GiB. The workbook itself is valid."""
    base = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    parts = [(n, base.read(n)) for n in base.namelist()]
    out = bytearray()
    central = bytearray()
    count = 0

    def local(name, method, crc, csize, usize, payload):
        nonlocal count
        name_b = name.encode()
        offset = len(out)
        out.extend(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x5A21, crc, csize, usize, len(name_b), 0))
        out.extend(name_b)
        out.extend(payload)
        add_central(name, method, crc, csize, usize, offset)

    def add_central(name, method, crc, csize, usize, offset):
        nonlocal count
        name_b = name.encode()
        central.extend(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x5A21, crc, csize, usize, len(name_b), 0, 0, 0, 0, 0, offset)
        )
        central.extend(name_b)
        count += 1

    for name, data in parts:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = c.compress(data) + c.flush()
        local(name, 8, zlib.crc32(data), len(packed), len(data), packed)
    zeros = b"\0" * (16 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = c.compress(zeros) + c.flush()
    crc = zlib.crc32(zeros)
    # One local entry holds the stream; 300 central entries point at it.
    offset = len(out)
    name = "xl/media/padding-0.bin"
    out.extend(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5A21, crc, len(packed), len(zeros), len(name), 0))
    out.extend(name.encode())
    out.extend(packed)
    for i in range(300):
        add_central(name if i == 0 else f"xl/media/padding-{i}.bin", 8, crc, len(packed), len(zeros), offset)
    cd_offset = len(out)
    out.extend(central)
    out.extend(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), cd_offset, 0))
    return bytes(out)


@fixture("zip-bomb-small-declared-size.xlsx")
def _():
    """The sheet's part declares 900 bytes but unpacks to 16 MiB: sizes in
    the table of contents cannot be trusted."""
    rows = [HEADERS, row("LIE-1", "Anna", "Ozola")]
    xml = sheet_xml(rows, extra_rows="<!--" + " " * (16 << 20) + "-->").encode()
    data = xlsx([("Mobility", sheet_xml(rows))])
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in src.namelist():
            info = zipfile.ZipInfo(n, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, xml if n == "xl/worksheets/sheet1.xml" else src.read(n), compresslevel=9)
    raw = bytearray(buf.getvalue())
    # Rewrite the declared uncompressed size (local header and central directory).
    real = struct.pack("<I", len(xml))
    fake = struct.pack("<I", 900)
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while True:
            at = raw.find(sig, at)
            if at < 0:
                break
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(name)] == name and raw[at + size_at : at + size_at + 4] == real:
                raw[at + size_at : at + size_at + 4] = fake
            at += 4
    return bytes(raw)


# --------------------------------------------------------------------------
# Word documents


@fixture("nested-tables.docx")
def _():
    # 5,000 tables, each inside the one cell of the one before.
    depth = 5000
    opening = "<w:tbl><w:tblGrid><w:gridCol w:w=\"100\"/></w:tblGrid><w:tr><w:tc>"
    closing = "<w:p/></w:tc></w:tr></w:tbl>"
    return docx(para("Nested") + opening * depth + para("deepest") + closing * depth)


@fixture("truncated-document-xml.docx")
def _():
    body = para("Unit descriptions") + UNIT_TABLE
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    cut = document[: document.index("He/she knows") + 5]
    data = docx("")
    src = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes([(n, cut if n == "word/document.xml" else src.read(n)) for n in src.namelist()])


# --------------------------------------------------------------------------
# XML and JSON

SNB = "http://data.europa.eu/snb"


@fixture("doctype.xml")
def _():
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE europassCredential [<!ELEMENT europassCredential ANY>]>\n'
        f'<europassCredential xmlns="{SNB}" id="urn:credential:1"/>\n'
    ).encode()


@fixture("external-entity.xml")
def _():
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE europassCredential [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<europassCredential xmlns="{SNB}"><title>&xxe;</title></europassCredential>\n'
    ).encode()


@fixture("entity-expansion-bomb.xml")
def _():
    lines = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        lines.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [' + "".join(lines) + "]>\n"
        f'<europassCredential xmlns="{SNB}"><title>&lol9;</title></europassCredential>\n'
    ).encode()


@fixture("undefined-entity.xml")
def _():
    return f'<?xml version="1.0"?>\n<europassCredential xmlns="{SNB}"><title>&xxe;</title></europassCredential>\n'.encode()


@fixture("wrong-namespace.xml")
def _():
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<europassCredential xmlns="http://data.europa.eu/europass/model/credentials#" id="urn:credential:1">'
        "<issuanceDate>2025-03-28T00:00:00Z</issuanceDate></europassCredential>\n"
    ).encode()


@fixture("truncated-credential.xml")
def _():
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<europassCredential xmlns="{SNB}" id="urn:credential:1"><issuanceDate>2025-03-28T00:00:00Z</issuanceDate><credentialSubject><givenNames><text content-type="text/plain" lang="lv">An'
    ).encode()


@fixture("deep-nesting.xml")
def _():
    # 10,000 elements, each inside the one before, never closed.
    return (f'<?xml version="1.0"?>\n<europassCredential xmlns="{SNB}">' + "<a>" * 10000).encode()


@fixture("not-json.jsonld")
def _():
    return b'{\n  "@context": [\n    "https://www.w3.org/ns/credentials/v2",\n    "http://data.europa.eu/snb/model/context/edc-ap"\n  ],\n  "type": ["VerifiableCredential", "EuropeanDigitalCredential"\n  "credentialSubject": {\n'


@fixture("deep-nesting.json")
def _():
    # 20,000 arrays, each inside the one before, never closed.
    return b"[" * 20000


@fixture("round-wrong-types.json")
def _():
    return (
        '{"format": "europass-round", "version": 1, "learners": [{"id": 7, "given_names": ["Anna"], '
        '"family_name": {"lv": "Ozola"}, "date_of_birth": "yesterday"}], "units": "none"}\n'
    ).encode()


# --------------------------------------------------------------------------
# CSV


@fixture("utf16-without-bom.csv")
def _():
    return csv_text([row("U16-1", "Anna", "Ozola"), row("U16-2", "Jānis", "Bērziņš")]).encode("utf-16-le")


@fixture("windows-1251-cyrillic.csv")
def _():
    return csv_text([row("CYR-1", "Анна", "Озола"), row("CYR-2", "Янис", "Берзиньш")]).replace(
        "Vidzemes Profesionālā vidusskola", "Vidzemes Profesionala vidusskola").replace(
        "Müller", "Mueller").encode("windows-1251")


@fixture("mixed-delimiters.csv")
def _():
    text = csv_text([row("MIX-1", "Anna", "Ozola"), row("MIX-2", "Jānis", "Bērziņš")])
    lines = text.split("\r\n")
    # The second learner's row was pasted from another program, with commas.
    lines[2] = lines[2].replace(";", ",")
    return "\r\n".join(lines).encode("utf-8")


@fixture("unbalanced-quotes.csv")
def _():
    rows = [row("QUOTE-1", "Anna", "Ozola"), row("QUOTE-2", "Jānis", "Bērziņš"), row("QUOTE-3", "Liene", "Kalniņa")]
    text = csv_text(rows)
    # A quote opens in a cell and never closes: the rest of the file would be one cell.
    text = text.replace("Parts of a hydraulic brake system;8;lv-1-10;27.03.2025\r\nQUOTE-2",
                        '"Parts of a hydraulic brake system;8;lv-1-10;27.03.2025\r\nQUOTE-2', 1)
    return text.encode("utf-8")


# --------------------------------------------------------------------------
# Data a school typed: strange names, impossible values, broken references


@fixture("learner-names-paths.csv")
def _():
    # Names (and organisations, which name the memoranda) that climb out of
    # folders, hold separators, or are names Windows reserves for devices.
    return csv_text([
        row("NAME-1", "../../../etc", "passwd", **{"Host organisation": "../../../etc/evil-host"}),
        row("NAME-2", "Anna/Marija", "Ozola\\Kalniņa", **{"Sending organisation": "C:\\Windows\\System32"}),
        row("NAME-3", "CON", "AUX"),
        row("NAME-4", "Jānis", ".."),
        row("NAME-5", "Liene", "Bērziņa"),
    ]).encode("utf-8")


@fixture("learner-name-nul.xlsx")
def _():
    # Excel writes control characters in cells as _x0000_ escapes.
    rows = [
        HEADERS,
        row("NUL-1", "An_x0000_na", "Ozola"),
        row("NUL-2", "Jānis", "Bērziņš_x0000_/../x"),
        row("NUL-3", "Pēteris", "Kalns"),
    ]
    return xlsx([("Mobility", sheet_xml(rows))])


@fixture("dates-year-0-and-9999.csv")
def _():
    return csv_text([
        row("DATE-1", "Anna", "Ozola", **{"Date of birth": "0000-01-01"}),
        row("DATE-2", "Jānis", "Bērziņš", **{"End date": "31.12.9999"}),
        row("DATE-3", "Liene", "Kalniņa", **{"Assessment date": "9999-12-31"}),
        row("DATE-4", "Pēteris", "Kalns"),
    ]).encode("utf-8")


@fixture("dates-year-0-and-9999.ods")
def _():
    # The same as dates, not text: an .ods holds any date, Excel only 1900-9999.
    def date_cell(iso):
        return f'<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>'

    def row_xml(values):
        cells = "".join(date_cell(v[1]) if isinstance(v, tuple) else ods_cell(v) for v in values)
        return f"<table:table-row>{cells}</table:table-row>"

    rows = [
        HEADERS,
        row("ODSDATE-1", "Anna", "Ozola", **{"Date of birth": ("date", "0000-01-01")}),
        row("ODSDATE-2", "Jānis", "Bērziņš", **{"End date": ("date", "9999-12-31")}),
        row("ODSDATE-3", "Liene", "Kalniņa", **{"Start date": ("date", "2025-03-03"), "End date": ("date", "2025-03-28")}),
    ]
    return ods(
        '<office:spreadsheet><table:table table:name="Mobility">'
        + "".join(row_xml(r) for r in rows)
        + "</table:table></office:spreadsheet>"
    )


@fixture("eqf-level-0-and-9.csv")
def _():
    return csv_text([
        row("EQF-1", "Anna", "Ozola", **{"Unit code": "AUTO-08", "Unit title": "Wheel alignment", "EQF level": "0"}),
        row("EQF-2", "Jānis", "Bērziņš", **{"Unit code": "AUTO-09", "Unit title": "Engine diagnostics", "EQF level": "9"}),
        row("EQF-3", "Liene", "Kalniņa"),
    ]).encode("utf-8")


@fixture("negative-ecvet-points.csv")
def _():
    return csv_text([
        row("NEG-1", "Anna", "Ozola", **{"Unit code": "AUTO-10", "Unit title": "Tyre service", "ECVET points": "-3"}),
        row("NEG-2", "Jānis", "Bērziņš"),
    ]).encode("utf-8")


def keyed_workbook(learners, units, results):
    return xlsx([
        ("Learners", sheet_xml([["Learner ID", "Given names", "Family name", "Date of birth"], *learners])),
        ("Units", sheet_xml([["Unit code", "Unit title", "EQF level", "ECVET points"], *units])),
        ("Results", sheet_xml([["Learner ID", "Unit code", "Grade", "Grading scale", "Assessment date"], *results])),
    ])


@fixture("duplicate-learner-keys.xlsx")
def _():
    return keyed_workbook(
        [["DUP-1", "Anna", "Ozola", "14.03.2006"], ["DUP-1", "Jānis", "Bērziņš", "02.11.2005"], ["DUP-2", "Liene", "Kalniņa", "30.06.2006"]],
        [["WELD-01", "Welding basics", "4", "3"]],
        [["DUP-1", "WELD-01", "7", "lv-1-10", "27.03.2025"], ["DUP-2", "WELD-01", "9", "lv-1-10", "27.03.2025"]],
    )


@fixture("unit-not-defined.xlsx")
def _():
    return keyed_workbook(
        [["UNDEF-1", "Anna", "Ozola", "14.03.2006"], ["UNDEF-2", "Jānis", "Bērziņš", "02.11.2005"]],
        [["PAINT-01", "Spray painting", "4", "3"]],
        [["UNDEF-1", "PAINT-01", "7", "lv-1-10", "27.03.2025"], ["UNDEF-2", "PAINT-99", "8", "lv-1-10", "27.03.2025"]],
    )


# --------------------------------------------------------------------------
# What cargo fuzz found (fuzz/findings/), kept here so each has its test


@fixture("xls-cells-at-far-corners.xls")
def _():
    # 54 KB of .xls with two cells at opposite corners of a 65,536 × 65,536
    # sheet: calamine would have allocated 137 GB for it.
    return fuzz_finding("import_file-xls-sparse-corners.xls")


def fuzz_finding(name):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "findings", name)
    with open(path, "rb") as f:
        return f.read()


def main():
    out = os.path.normpath(OUT)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    total = 0
    for name, make in sorted(FILES.items()):
        data = make()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"make-bad-fixtures: {len(FILES)} files, {total:,} bytes in {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
