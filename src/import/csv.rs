//! Comma-, semicolon- and tab-separated text, in whatever encoding Excel used.
//!
//! Excel on a Latvian Windows saves "CSV" as Windows-1257 with `;` between
//! fields (the comma is the decimal separator there); on a Western one as
//! Windows-1252; newer versions as UTF-8 with a byte-order mark. The encoding
//! and delimiter are detected unless given, and the choice is reported.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251, WINDOWS_1252, WINDOWS_1257};

use super::cells::{Cells, Sheet, Visibility};
use super::text_cells::{TextCells, TooLarge};
use super::{ImportError, InputFormat, ReadOptions, Workbook};
use crate::diagnostics::{Code, Diagnostic, Location};

/// Reads CSV text.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Workbook, ImportError> {
    let (text, encoding) = decode(bytes, options.encoding);
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&text));
    let name = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("csv")
        .to_string();
    let mut notes = Vec::new();
    // Most files quote nothing: then there is no stray quote to look for,
    // and every line break ends a row.
    let has_quote = memchr::memchr(b'"', text.as_bytes()).is_some();
    let (text, stray) = if has_quote {
        mend_stray_quotes(&text, delimiter)
    } else {
        (std::borrow::Cow::Borrowed(&*text), Vec::new())
    };
    for q in &stray {
        notes.push(
            Diagnostic::error(
                Code::UnbalancedQuote,
                Location::cell(file, &name, q.row, q.column),
                "the cell opens a quote (\") that is not closed where the cell ends, so the rows below it would have been read as this one cell's text; it was read without that quote",
            )
            .with_hint("delete the stray quote (or close it where the cell's text ends) and save the file again"),
        );
    }
    let (rows, starts) = split(&text, delimiter, options.limits.cells, has_quote)?;
    let (rows, resplit) = resplit_rows(&text, &starts, rows, delimiter)?;
    for (row, other) in resplit {
        notes.push(
            Diagnostic::warning(
                Code::MixedDelimiters,
                Location::row(file, &name, row as u32 + 1),
                format!(
                    "the row is separated by `{}` while the rest of the file is separated by `{}`; it was read with `{}`",
                    show(other),
                    show(delimiter),
                    show(other)
                ),
            )
            .with_hint("the row was probably pasted from another program: check its cells, and save the file again with one delimiter"),
        );
    }
    Ok(Workbook {
        file: file.to_string(),
        format: InputFormat::Csv,
        sheets: vec![Sheet::new(
            name,
            Visibility::Visible,
            Cells::Text(rows),
            Vec::new(),
        )],
        encoding: Some(encoding.name()),
        delimiter: Some(delimiter as char),
        notes,
    })
}

/// A delimiter as a user reads it.
fn show(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => ";",
        b',' => ",",
        b'\t' => "tab",
        b'|' => "|",
        _ => "?",
    }
}

/// Delimiters a row pasted from another program may use.
const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];

/// Text below this size is split on one thread.
const PARALLEL_SPLIT_BYTES: usize = 1 << 20;

/// Splits the text into rows of cells the way the `csv` crate reads it
/// (quoted cells, doubled quotes, line breaks inside quotes, rows of any
/// length; a blank line is no row), every cell written into one buffer.
/// Also returns where each row starts in the text, and one past the end.
///
/// A large text without a single quote (`has_quote` false) is split in
/// pieces at line breaks, read in parallel: with no quote, every line break
/// ends a row.
fn split(
    text: &str,
    delimiter: u8,
    max_cells: u64,
    has_quote: bool,
) -> Result<(TextCells, Vec<usize>), ImportError> {
    if u32::try_from(text.len()).is_err() {
        return Err(TooLarge.into());
    }
    let threads = rayon::current_num_threads();
    let mut bounds = vec![0];
    if text.len() >= PARALLEL_SPLIT_BYTES && threads > 1 && !has_quote {
        for i in 1..threads {
            let at = (text.len() * i / threads).max(*bounds.last().unwrap_or(&0));
            let end =
                memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |n| at + n + 1);
            bounds.push(end);
        }
    }
    bounds.push(text.len());
    bounds.dedup();
    // One buffer for every cell's text (without its quotes a cell is never
    // longer than in the file); each piece writes into its own stretch of it.
    let mut out = vec![0u8; text.len()];
    let mut stretches = Vec::with_capacity(bounds.len() - 1);
    let mut rest: &mut [u8] = &mut out;
    for w in bounds.windows(2) {
        let (stretch, after) = rest.split_at_mut(w[1] - w[0]);
        stretches.push((&text[w[0]..w[1]], stretch));
        rest = after;
    }
    use rayon::prelude::*;
    let pieces: Vec<Piece> = stretches
        .into_par_iter()
        .map(|(piece, out)| match has_quote {
            true => split_piece(piece, out, delimiter, max_cells),
            false => split_plain_piece(piece, out, delimiter, max_cells),
        })
        .collect::<Result<_, _>>()?;
    // Close the gaps each piece left at the end of its stretch.
    let mut cell_ends: Vec<u32> = Vec::new();
    let mut row_starts: Vec<u32> = vec![0];
    let mut starts = Vec::new();
    let mut written = 0usize;
    for (w, piece) in bounds.windows(2).zip(pieces) {
        out.copy_within(w[0]..w[0] + piece.written, written);
        cell_ends.extend(piece.cell_ends.iter().map(|e| e + written as u32));
        let before = row_starts.last().copied().unwrap_or(0);
        row_starts.extend(piece.row_starts[1..].iter().map(|r| r + before));
        starts.extend(piece.starts.iter().map(|s| s + w[0]));
        written += piece.written;
    }
    starts.push(text.len());
    if cell_ends.len() as u64 > max_cells {
        return Err(super::calamine_sheets::too_many_cells(
            "the file", max_cells,
        ));
    }
    out.truncate(written);
    // Cells are cut only at ASCII delimiters, quotes and line breaks of valid
    // UTF-8, so their text is valid UTF-8 too.
    let out = String::from_utf8(out).map_err(|e| ImportError::corrupt(InputFormat::Csv, e))?;
    Ok((TextCells::from_parts(out, cell_ends, row_starts), starts))
}

/// The rows of one piece of the text, their cells written at the start of
/// the piece's stretch of the output.
struct Piece {
    /// Bytes of cell text written.
    written: usize,
    /// Where each cell ends, from the start of the stretch.
    cell_ends: Vec<u32>,
    /// Index of each row's first cell, then the number of cells.
    row_starts: Vec<u32>,
    /// Where each row starts, from the start of the piece.
    starts: Vec<usize>,
}

impl Piece {
    fn new() -> Self {
        Piece {
            written: 0,
            cell_ends: Vec::new(),
            row_starts: vec![0],
            starts: Vec::new(),
        }
    }

    /// Ends a row whose cells are written, starting at `start` in the piece.
    fn end_row(&mut self, start: usize, max_cells: u64) -> Result<(), ImportError> {
        if self.cell_ends.len() as u64 > max_cells {
            return Err(super::calamine_sheets::too_many_cells(
                "the file", max_cells,
            ));
        }
        self.row_starts.push(self.cell_ends.len() as u32);
        self.starts.push(start);
        Ok(())
    }
}

/// Reads the rows of one piece of text into `out` (as long as the piece).
fn split_piece(
    text: &str,
    out: &mut [u8],
    delimiter: u8,
    max_cells: u64,
) -> Result<Piece, ImportError> {
    let input = text.as_bytes();
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut piece = Piece::new();
    let mut ends = vec![0usize; 64];
    let mut at = 0usize;
    // Where the record being read starts, in the text and in `out`: the
    // parser gives cell ends from the record's start, over however many calls.
    let (mut record_start, mut record_out) = (0usize, 0usize);
    loop {
        let (result, read, wrote, ended) =
            reader.read_record(&input[at..], &mut out[piece.written..], &mut ends);
        piece
            .cell_ends
            .extend(ends[..ended].iter().map(|e| (record_out + e) as u32));
        at += read;
        piece.written += wrote;
        match result {
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull => {
                unreachable!("the output holds the whole input")
            }
            csv_core::ReadRecordResult::OutputEndsFull => {
                let more = ends.len();
                ends.resize(more * 2, 0);
            }
            csv_core::ReadRecordResult::Record => {
                piece.end_row(record_start, max_cells)?;
                record_start = at;
                record_out = piece.written;
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    Ok(piece)
}

/// [`split_piece`] for text without a quote, where every cell is the text
/// between two delimiters and every line break (`\n`, `\r`, or `\r\n`)
/// ends a row, an empty line being none: read as csv-core reads it, but
/// found with memchr rather than a state machine stepping through each byte.
fn split_plain_piece(
    text: &str,
    out: &mut [u8],
    delimiter: u8,
    max_cells: u64,
) -> Result<Piece, ImportError> {
    let input = text.as_bytes();
    let mut piece = Piece::new();
    // As csv-core counts it: a row starts after the line break ending the
    // row before (blank lines between them included).
    let mut record_start = 0;
    let mut at = 0;
    while at < input.len() {
        let end = memchr::memchr2(b'\n', b'\r', &input[at..]).map_or(input.len(), |n| at + n);
        if end > at {
            let line = &input[at..end];
            let mut cell_start = 0;
            for cell_end in memchr::memchr_iter(delimiter, line).chain([line.len()]) {
                let cell = &line[cell_start..cell_end];
                out[piece.written..piece.written + cell.len()].copy_from_slice(cell);
                piece.written += cell.len();
                piece.cell_ends.push(piece.written as u32);
                cell_start = cell_end + 1;
            }
            piece.end_row(record_start, max_cells)?;
            record_start = end + 1;
        }
        at = end + 1;
    }
    Ok(piece)
}

/// Reads again, with the other delimiter, each row that the file's delimiter
/// left whole although it holds another one at least half as often as the
/// header has columns (a row pasted from a program that writes `,`).
/// Returns the rows, and the rows (0-based) so read with their delimiter.
fn resplit_rows(
    text: &str,
    starts: &[usize],
    rows: TextCells,
    delimiter: u8,
) -> Result<(TextCells, Vec<(usize, u8)>), ImportError> {
    let columns = rows.row_len(0);
    if rows.rows() == 0 || columns < 4 {
        return Ok((rows, Vec::new()));
    }
    let mut again: Vec<(usize, u8, Vec<String>)> = Vec::new();
    for i in 1..rows.rows() {
        if rows.row_len(i) != 1 {
            continue;
        }
        let field = rows.get(i, 0).unwrap_or_default();
        let Some((other, count)) = DELIMITERS
            .iter()
            .filter(|d| **d != delimiter)
            .map(|d| (*d, field.bytes().filter(|b| b == d).count()))
            .max_by_key(|(_, n)| *n)
        else {
            continue;
        };
        if count + 1 < (columns / 2).max(3) {
            continue;
        }
        let raw = &text[starts[i]..starts[i + 1].max(starts[i])];
        let (cells, _) = split(raw, other, u64::MAX, true)?;
        if cells.row_len(0) > 1 {
            again.push((i, other, cells.row(0).map(str::to_string).collect()));
        }
    }
    if again.is_empty() {
        return Ok((rows, Vec::new()));
    }
    let rows = rows.replace_rows(|r| {
        again
            .iter()
            .find(|(i, _, _)| *i == r)
            .map(|(_, _, cells)| cells.clone())
    })?;
    Ok((rows, again.into_iter().map(|(i, d, _)| (i, d)).collect()))
}

/// A quote that opens a cell and does not close it where a cell would end.
#[derive(Debug, PartialEq, Eq)]
struct StrayQuote {
    /// Row (1-based, as the sheet counts records) and column (0-based) of the cell.
    row: u32,
    column: u32,
    /// Where the quote is in the text.
    byte: usize,
}

/// The most stray quotes mended in one file.
const MAX_STRAY_QUOTES: usize = 100;

/// Removes quotes that open a cell and never close, or close only after
/// swallowing lines that hold a whole row's worth of delimiters: read as
/// written, everything up to the next quote would be one cell.
fn mend_stray_quotes(text: &str, delimiter: u8) -> (std::borrow::Cow<'_, str>, Vec<StrayQuote>) {
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut found = Vec::new();
    while found.len() < MAX_STRAY_QUOTES {
        let Some(q) = stray_quote(&text, delimiter) else {
            break;
        };
        text.to_mut().remove(q.byte);
        found.push(q);
    }
    (text, found)
}

/// The first stray quote of the text, if any (see [`mend_stray_quotes`]).
fn stray_quote(text: &str, delimiter: u8) -> Option<StrayQuote> {
    let b = text.as_bytes();
    let (mut row, mut column) = (1u32, 0u32);
    // The header's number of cells, once the first record has ended.
    let mut header_cells: Option<u32> = None;
    let mut field_start = true;
    let mut record_empty = true;
    // The open quoted cell: its quote, and the delimiters on its current
    // line once it has gone past a line break.
    let mut open: Option<(StrayQuote, Option<u32>)> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some((_, on_line)) = &mut open {
            match c {
                b'"' if b.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => open = None,
                b'\n' | b'\r' => *on_line = Some(0),
                _ if c == delimiter => {
                    if let Some(n) = on_line {
                        *n += 1;
                        // A line inside the cell with a whole row's delimiters: rows swallowed.
                        if header_cells.is_some_and(|cells| cells >= 3 && *n + 1 >= cells) {
                            return open.take().map(|(q, _)| q);
                        }
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'\n' | b'\r' => {
                if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                if !record_empty {
                    header_cells.get_or_insert(column + 1);
                    row += 1;
                }
                column = 0;
                field_start = true;
                record_empty = true;
            }
            _ if c == delimiter => {
                column += 1;
                field_start = true;
                record_empty = false;
            }
            b'"' if field_start => {
                open = Some((
                    StrayQuote {
                        row,
                        column,
                        byte: i,
                    },
                    None,
                ));
                field_start = false;
                record_empty = false;
            }
            _ => {
                field_start = false;
                record_empty = false;
            }
        }
        i += 1;
    }
    open.map(|(q, _)| q)
}

/// Decodes the bytes: with the given encoding, else by byte-order mark (or
/// the zero bytes of UTF-16), else UTF-8 when valid, else Windows-1251 when
/// the text is Cyrillic, else the more plausible of Windows-1257 and
/// Windows-1252.
pub fn decode<'b>(
    bytes: &'b [u8],
    given: Option<&'static Encoding>,
) -> (std::borrow::Cow<'b, str>, &'static Encoding) {
    // Valid UTF-8 is borrowed as it is: a large file is not copied.
    if let Some(enc) = given {
        let (text, _, _) = enc.decode(bytes);
        return (text, enc);
    }
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text, enc);
    }
    if let Some(enc) = super::sniff::utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text, enc);
    }
    // A vectorised check: a large export is tens of megabytes of UTF-8,
    // and this is the one pass over all of it before it is split.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return (std::borrow::Cow::Borrowed(text), UTF_8);
    }
    let enc = guess_legacy(bytes);
    let (text, _, _) = enc.decode(bytes);
    (text, enc)
}

/// Chooses between Windows-1257 (Baltic) and Windows-1252 (Western) by which
/// reading gives letters the languages of our schools actually use. Only the
/// bytes that the two code pages decode differently carry information.
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    if looks_cyrillic(bytes) {
        return WINDOWS_1251;
    }
    let mut baltic = 0.0f64;
    let mut western = 0.0f64;
    let mut b1 = [0u8; 4];
    for &b in bytes.iter().filter(|b| **b >= 0x80) {
        b1[0] = b;
        let (c1257, _, _) = WINDOWS_1257.decode(&b1[..1]);
        let (c1252, _, _) = WINDOWS_1252.decode(&b1[..1]);
        if c1257 == c1252 {
            continue;
        }
        baltic += letter_weight(c1257.chars().next().unwrap_or(' '), BALTIC_LETTERS);
        western += letter_weight(c1252.chars().next().unwrap_or(' '), WESTERN_LETTERS);
    }
    if baltic > western {
        WINDOWS_1257
    } else {
        WINDOWS_1252
    }
}

/// Whether the text is Cyrillic in Windows-1251 (as Russian-speaking
/// learners' names may come): there whole words are made of bytes above
/// 127, while in Baltic and Western text such bytes are single letters
/// among ASCII ones ("Bērziņš", "Müller").
fn looks_cyrillic(bytes: &[u8]) -> bool {
    let (mut cyrillic_words, mut mixed_words) = (0usize, 0usize);
    for word in bytes.split(|b| !(b.is_ascii_alphabetic() || *b >= 0x80)) {
        let high = word.iter().filter(|b| **b >= 0x80).count();
        if high == 0 {
            continue;
        }
        if high == word.len() && word.len() >= 2 {
            let (text, _, _) = WINDOWS_1251.decode(word);
            if text
                .chars()
                .all(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё' | 'Ў' | 'ў' | 'І' | 'і'))
            {
                cyrillic_words += 1;
                continue;
            }
        }
        mixed_words += 1;
    }
    cyrillic_words > mixed_words
}

const BALTIC_LETTERS: &str = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽąęėįųĄĘĖĮŲ";
const WESTERN_LETTERS: &str = "àáâäåæçèéêëíñóôöøùúüßÀÁÂÄÅÆÇÈÉÊËÍÑÓÔÖØÙÚÜœŒ";

fn letter_weight(c: char, common: &str) -> f64 {
    if common.contains(c) {
        1.0
    } else if c.is_alphabetic() {
        0.2
    } else {
        0.0
    }
}

/// The encoding with this label (`utf-8`, `windows-1257`, `cp1252`, `latin1`, …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    let l = match l.as_str() {
        "cp1257" | "1257" | "baltic" => "windows-1257",
        "cp1252" | "1252" | "western" => "windows-1252",
        "utf16" | "utf-16" => "utf-16le",
        other => other,
    };
    Encoding::for_label(l.as_bytes()).or(match l {
        "utf-16le" => Some(UTF_16LE),
        "utf-16be" => Some(UTF_16BE),
        _ => None,
    })
}

/// Picks the delimiter that splits the first records into the same number
/// of fields most consistently, preferring more fields on a tie. Records are
/// split outside quotes, so line breaks inside quoted cells (bullet lists)
/// do not count as new records.
fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];
    let mut records: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut quoted = false;
    let mut non_blank = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if non_blank {
                    records.push(counts);
                    if records.len() >= 30 {
                        break;
                    }
                }
                counts = [0; 4];
                non_blank = false;
            }
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
                if !b.is_ascii_whitespace() {
                    non_blank = true;
                }
            }
            _ => {}
        }
    }
    if non_blank {
        records.push(counts);
    }
    let mut best = (b',', 0usize, 0usize);
    for (i, &d) in CANDIDATES.iter().enumerate() {
        // How many records share the most common count, and that count.
        let mut freq = std::collections::HashMap::new();
        for r in records.iter().filter(|r| r[i] > 0) {
            *freq.entry(r[i]).or_insert(0usize) += 1;
        }
        let (mode, agree) = freq
            .into_iter()
            .max_by_key(|(c, n)| (*n, *c))
            .unwrap_or((0, 0));
        if (agree, mode) > (best.1, best.2) {
            best = (d, agree, mode);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1257_latvian_is_detected() {
        let (bytes, _, _) =
            WINDOWS_1257.encode("Vārds;Uzvārds;Dzimšanas datums\nĒriks;Bērziņš;01.02.2006\n");
        let (text, enc) = decode(&bytes, None);
        assert_eq!(enc, WINDOWS_1257);
        assert!(text.contains("Bērziņš"));
    }

    #[test]
    fn windows_1252_german_is_detected() {
        let (bytes, _, _) =
            WINDOWS_1252.encode("Vorname;Nachname\nJürgen;Müßig\nFrançois;Gérard\n");
        let (text, enc) = decode(&bytes, None);
        assert_eq!(enc, WINDOWS_1252);
        assert!(text.contains("Müßig"));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let (text, enc) = decode("\u{feff}Vārds;Uzvārds".as_bytes(), None);
        assert_eq!(enc, UTF_8);
        assert!(text.starts_with("Vārds"));
    }

    #[test]
    fn cyrillic_windows_1251_is_told_from_baltic_and_western() {
        let (bytes, _, _) = WINDOWS_1251
            .encode("Learner ID;Given names;Family name\nCYR-1;Анна;Озола\nCYR-2;Янис;Берзиньш\n");
        let (text, enc) = decode(&bytes, None);
        assert_eq!(enc, WINDOWS_1251);
        assert!(text.contains("Берзиньш"));
        // Latvian with the same bytes above 127 stays Baltic.
        let (bytes, _, _) = WINDOWS_1257.encode("Vārds;Uzvārds\nĒriks;Bērziņš\nŽanis;Ķēniņš\n");
        assert_eq!(decode(&bytes, None).1, WINDOWS_1257);
    }

    #[test]
    fn a_quote_never_closed_or_closed_rows_later_is_found_and_left_out() {
        let text = "A;B;C;D\n1;\"x;3;4\n5;6;7;8\n";
        let q = stray_quote(text, b';').unwrap();
        assert_eq!((q.row, q.column, q.byte), (2, 1, 10));
        let (mended, found) = mend_stray_quotes(text, b';');
        assert_eq!(found.len(), 1);
        assert_eq!(mended, "A;B;C;D\n1;x;3;4\n5;6;7;8\n");
        // Closed two rows later, past a whole row of cells.
        let text = "A;B;C;D\n1;\"x;3;4\n5;6;7;8\n9;\"y\";1;2\n";
        assert_eq!(stray_quote(text, b';').unwrap().row, 2);
        // Quoted cells with line breaks and doubled quotes are not stray.
        let fine = "A;B;C;D\n1;\"a; b; c; d\n• one;\n• two \"\"q\"\"\";3;4\n\n5;6;7;8\n";
        assert_eq!(stray_quote(fine, b';'), None);
        // Blank lines are no record: the row counts as the sheet counts.
        let text = "A;B;C;D\n\n\n1;2;\"3;4\n";
        assert_eq!(stray_quote(text, b';').unwrap().row, 2);
    }

    #[test]
    fn a_row_with_another_delimiter_is_read_with_it() {
        let text = "A;B;C;D\n1;2;3;4\n5,\"6,5\",7,8\nnote, with a comma\n";
        let (rows, starts) = split(text, b';', u64::MAX, true).unwrap();
        let (rows, resplit) = resplit_rows(text, &starts, rows, b';').unwrap();
        assert_eq!(resplit, [(2, b',')]);
        assert_eq!(rows.row(2).collect::<Vec<_>>(), ["5", "6,5", "7", "8"]);
        assert_eq!(rows.row_len(3), 1, "a note with one comma stays one cell");
    }

    #[test]
    fn cells_are_split_as_the_csv_crate_splits_them() {
        let text = "a;\"b;\"\"q\"\"\nline\";c\r\n\r\n\n;;\nlast";
        let (rows, starts) = split(text, b';', u64::MAX, true).unwrap();
        let mut expected = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let expected: Vec<Vec<String>> = expected
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let got: Vec<Vec<String>> = (0..rows.rows())
            .map(|r| rows.row(r).map(str::to_string).collect())
            .collect();
        assert_eq!(got, expected);
        assert_eq!(got[0], ["a", "b;\"q\"\nline", "c"]);
        assert_eq!(starts.len(), rows.rows() + 1);
        assert_eq!(&text[starts[2]..], "last");
    }

    #[test]
    fn a_large_text_split_in_parallel_gives_the_rows_of_one_split() {
        let mut text = String::from("A;B;C\r\n");
        for i in 0..60_000 {
            text.push_str(&format!("{i};Bērziņš {i};\r\n"));
            if i % 1000 == 0 {
                text.push_str("\r\n");
            }
        }
        assert!(text.len() > PARALLEL_SPLIT_BYTES);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1)
            .install(|| split(&text, b';', u64::MAX, false))
            .unwrap();
        let parallel = pool(3)
            .install(|| split(&text, b';', u64::MAX, false))
            .unwrap();
        // (A row's start may differ by the line feed of a CRLF: only the
        // cells count, and where rows are.)
        assert!(parallel.0 == one.0, "the cells differ");
        assert_eq!(parallel.1.len(), one.1.len());
        assert_eq!(one.0.rows(), 60_001);
    }

    #[test]
    fn text_without_quotes_is_split_as_csv_core_splits_it() {
        // Random lines of letters, spaces, both delimiters and every kind of
        // line break, blank lines and a last line without one included.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let parts = ["a", "ā", "Ļ", " ", ";", ";", ",", "\n", "\r", "\r\n", "12"];
        for _ in 0..300 {
            let text: String = (0..next(60))
                .map(|_| parts[next(parts.len() as u64) as usize])
                .collect();
            let plain = split(&text, b';', u64::MAX, false).unwrap();
            let core = split(&text, b';', u64::MAX, true).unwrap();
            assert!(plain.0 == core.0, "cells of {text:?}");
            assert_eq!(plain.1, core.1, "row starts of {text:?}");
        }
    }

    #[test]
    fn too_many_cells_are_refused_while_splitting() {
        assert!(split("a;b\nc;d\n", b';', 3, false).is_err());
        assert!(split("a;b\nc;d\n", b';', 4, false).is_ok());
    }

    #[test]
    fn semicolon_wins_over_decimal_commas() {
        let text = "Vārds;Punkti;Vērtējums\nAnna;2,5;8\nJānis;3,5;7\nLiene;1;9\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn line_breaks_inside_quoted_cells_do_not_fool_the_sniffer() {
        let text = "Vārds;Zināšanas;Prasmes\nAnna;\"• Teorija, pamati\n• Shēmas, sensori\n• Apkope, serviss\";\"• Prot, dara\"\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn tab_separated_is_detected() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
    }
}
