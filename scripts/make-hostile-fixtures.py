#!/usr/bin/env python3
"""Makes a folder holding one input of each hostile class of issue 17.

    scripts/make-hostile-fixtures.py DIR

Nothing here is kept in the repository: some of these are links, pipes and
sparse files, which git cannot hold, and the bombs are cheaper to make than
to store. tests/hostile.rs runs this script and converts DIR in one run.
"""

import io
import os
import socket
import sys
import zipfile
import zlib

MIB = 1 << 20


def stored_zip(parts):
    """A zip of (name, bytes) parts, stored, so its bytes can be edited in place."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts:
            z.writestr(name, data)
    return bytearray(buf.getvalue())


def xlsx_parts(given="Zanda", extra_strings=""):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = ["Learner ID", "Given names", "Family name", "Grade", "L1", given, "Ozola", "8"]
    sst = (
        f'<sst xmlns="{ns}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + extra_strings
        + "</sst>"
    )
    row = lambda r, first: "".join(
        f'<c r="{c}{r}" t="s"><v>{first + i}</v></c>' for i, c in enumerate("ABCD")
    )
    sheet = (
        f'<worksheet xmlns="{ns}"><sheetData><row r="1">{row(1, 0)}</row>'
        f'<row r="2">{row(2, 4)}</row></sheetData></worksheet>'
    )
    return [
        (
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>",
        ),
        (
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        ),
        (
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        ),
        (
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ]


def deflated_zip_with_big_part(parts, big_name, size):
    """A zip whose part `big_name` unpacks to `size` bytes of one letter."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name != big_name:
                z.writestr(name, data)
        with z.open(big_name, "w", force_zip64=True) as w:
            w.write(b"<sst><si><t>")
            chunk = b"x" * MIB
            for _ in range(size // MIB):
                w.write(chunk)
            w.write(b"</t></si></sst>")
    return buf.getvalue()


def pdf_with_attachment_bomb(inflated):
    """A PDF whose one attachment is `inflated` bytes deflated twice."""
    data = zlib.compress(zlib.compress(b" " * inflated, 9), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(europass-mobility.xml) 3 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Type /Filespec /F (europass-mobility.xml) /EF << /F 4 0 R >> >>",
        b"<< /Type /EmbeddedFile /Filter [/FlateDecode /FlateDecode] /Length "
        + str(len(data)).encode()
        + b" >>\nstream\n"
        + data
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{o:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def ods(rows):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        "</manifest:manifest>"
    )
    return stored_zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content),
            ("META-INF/manifest.xml", manifest),
        ]
    )


def docx(body, prolog=""):
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return stored_zip(
        [
            (
                "[Content_Types].xml",
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            ),
            (
                "word/document.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{w}"><w:body>'
                f'<w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>',
            ),
        ]
    )


def write(path, data):
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def main(folder):
    os.makedirs(os.path.join(folder, "loops", "a"), exist_ok=True)
    # 1. Walking: links that loop, a link out, a pipe, a socket, a sparse file.
    os.symlink("..", os.path.join(folder, "loops", "a", "up1"))
    os.symlink("../..", os.path.join(folder, "loops", "a", "up2"))
    os.symlink("/etc/passwd", os.path.join(folder, "link-out.csv"))
    os.mkfifo(os.path.join(folder, "pipe.csv"))
    with open(os.path.join(folder, "sparse-3gb.xlsx"), "wb") as f:
        f.truncate(3 << 30)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(folder, "socket.csv"))
    # 2. Bombs.
    write(
        os.path.join(folder, "shared-strings-bomb.xlsx"),
        deflated_zip_with_big_part(xlsx_parts(), "xl/sharedStrings.xml", 256 * MIB),
    )
    write(os.path.join(folder, "attachment-bomb.pdf"), pdf_with_attachment_bomb(256 * MIB))
    cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    write(
        os.path.join(folder, "rows-repeated-bomb.ods"),
        ods(
            f'<table:table-row table:number-rows-repeated="4294968296">{cell}'
            f'<table:table-cell table:number-columns-repeated="30"/>{cell}</table:table-row>'
        ),
    )
    # 3. Zip integrity.
    flipped = stored_zip(xlsx_parts())
    at = flipped.index(b">Zanda<")
    flipped[at + 5] = ord("o")
    write(os.path.join(folder, "crc-flipped.xlsx"), flipped)
    parts = xlsx_parts() + [("xl/sharedStringX.xml", xlsx_parts("Janis")[-1][1])]
    dup = bytes(stored_zip(parts)).replace(b"xl/sharedStringX.xml", b"xl/sharedStrings.xml")
    write(os.path.join(folder, "duplicate-part.xlsx"), dup)
    parts = xlsx_parts() + [("xl/worksheets/Sheet1.xml", xlsx_parts()[4][1])]
    write(os.path.join(folder, "case-only-parts.xlsx"), stored_zip(parts))
    # 4. Word XML.
    write(
        os.path.join(folder, "doctype.docx"),
        docx("x", '<!DOCTYPE w:document [<!ENTITY x "y">]>'),
    )
    write(os.path.join(folder, "undefined-entity.docx"), docx("Maintenance&nbsp;of"))
    # 5. A grade past the 1,000th column.
    header = ["Learner ID", "Given names", "Family name"] + [""] * 1005 + ["Grade"]
    row = ["L9", "Anna", "Ozola"] + [""] * 1005 + ["8"]
    write(os.path.join(folder, "column-1009.csv"), ";".join(header) + "\n" + ";".join(row) + "\n")
    # 8. Small items.
    write(
        os.path.join(folder, "small-items.csv"),
        "Learner ID;Given names;Family name;Date of birth\n"
        "S1;\u200b;Ozola;2005-03-01T25:61\n"
        "S2;Anna\u202ealozO;Berzina;01.03.2005\n"
        f"S3;{'A' * 100_000};Liepa;01.03.2005\n",
    )
    sock.close()


if __name__ == "__main__":
    main(sys.argv[1])
