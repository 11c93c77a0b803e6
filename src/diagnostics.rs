//! Diagnostics: every problem found anywhere in the pipeline, with where it is
//! and how to fix it.
//!
//! One type for all of them, so that a report, the human summary and (later)
//! the feedback workbook can treat a bad date in a spreadsheet cell and a bad
//! element in an XML file alike.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something the user may want to know (a choice the tool made, a skipped blank row).
    Info,
    /// Probably a mistake in the input; the record is still usable.
    Warning,
    /// The record (or file) cannot be used as it is.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// A stable, machine-readable diagnostic code. The text form
        /// (`invalid-date`) never changes once released; scripts may match on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $( $(#[$doc])* #[serde(rename = $text)] $variant, )*
        }

        impl Code {
            /// The stable text form of the code.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// Every code, in declaration order (for documentation and tests).
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];
        }
    };
}

codes! {
    // Files.
    /// The file could not be read from disk.
    IoError = "io-error",
    /// The file is empty.
    EmptyFile = "empty-file",
    /// The file's content is not what its name says (e.g. HTML saved as .xls).
    WrongFileType = "wrong-file-type",
    /// The file's type is not one the tool reads.
    UnsupportedFormat = "unsupported-format",
    /// The file is damaged (e.g. a truncated zip).
    CorruptFile = "corrupt-file",
    /// The file is password-protected.
    EncryptedFile = "encrypted-file",
    /// The file's name says one format but its content is another; it was read as the content says.
    ExtensionMismatch = "extension-mismatch",
    /// The text encoding of a CSV file was detected (not given).
    EncodingDetected = "encoding-detected",
    /// The CSV delimiter was detected.
    DelimiterDetected = "delimiter-detected",
    /// A CSV cell opens a quote that is never closed (or closes rows later); it was read without it.
    UnbalancedQuote = "unbalanced-quote",
    /// A CSV row is separated by another delimiter than the rest of the file; it was read with its own.
    MixedDelimiters = "mixed-delimiters",
    /// The file is beyond a size or complexity limit.
    LimitExceeded = "limit-exceeded",
    /// The parser failed unexpectedly; please report it.
    InternalError = "internal-error",
    /// A folder given as input holds no file the tool reads.
    NoInputFiles = "no-input-files",
    /// A file in an input folder was skipped (temporary office file, unknown type, a link leading out of the folder or back into it).
    FileSkipped = "file-skipped",
    /// An input is a named pipe, a device or a socket, not a file; it was not read.
    NotAFile = "not-a-file",

    // Mapping files.
    /// A mapping file is not valid TOML or names an unknown field.
    InvalidMapping = "invalid-mapping",
    /// No mapping matched the file's headers well enough.
    NoMatchingMapping = "no-matching-mapping",
    /// Which mapping was chosen, and why.
    MappingChosen = "mapping-chosen",

    // Sheets and headers.
    /// A hidden sheet was found.
    HiddenSheet = "hidden-sheet",
    /// A sheet holds data but no header row the mapping recognises.
    SheetNotRecognised = "sheet-not-recognised",
    /// A sheet is empty.
    EmptySheet = "empty-sheet",
    /// A column has no canonical field; its values are kept as unmapped values.
    UnmappedColumn = "unmapped-column",
    /// Two columns match the same field; the weaker match is kept as unmapped.
    DuplicateColumn = "duplicate-column",
    /// A header matched a field only by similarity.
    FuzzyHeaderMatch = "fuzzy-header-match",
    /// A sheet lacks a column its role needs.
    MissingColumn = "missing-column",

    // Rows.
    /// Blank rows were skipped.
    BlankRowsSkipped = "blank-rows-skipped",
    /// A totals row was skipped.
    TotalsRowSkipped = "totals-row-skipped",
    /// A note row (free text in one cell) was skipped; its text is in the message.
    NoteRowSkipped = "note-row-skipped",
    /// A row has values but nothing that identifies a record.
    RowNotUsable = "row-not-usable",

    // Values.
    /// A required value is empty.
    MissingValue = "missing-value",
    /// A cell holds a formula error such as `#REF!`.
    FormulaError = "formula-error",
    /// A cell holds a formula but no value a spreadsheet program computed (a file written by a script); it was read as empty.
    FormulaWithoutValue = "formula-without-value",
    /// A date could not be read.
    InvalidDate = "invalid-date",
    /// A date could be day/month or month/day.
    AmbiguousDate = "ambiguous-date",
    /// A date is outside the plausible range.
    DateOutOfRange = "date-out-of-range",
    /// An EQF level could not be read.
    InvalidEqfLevel = "invalid-eqf-level",
    /// An EQF level is outside 1–8.
    EqfLevelOutOfRange = "eqf-level-out-of-range",
    /// A national framework level could not be read.
    InvalidNqfLevel = "invalid-nqf-level",
    /// A grade is not a value of its grading scheme.
    InvalidGrade = "invalid-grade",
    /// A grade has no grading scheme (no column, mapping or country gives one).
    GradeWithoutScheme = "grade-without-scheme",
    /// A grading scheme is not known.
    UnknownGradingScheme = "unknown-grading-scheme",
    /// The grading scheme was taken from the country.
    GradingSchemeFromCountry = "grading-scheme-from-country",
    /// Credit points could not be read.
    InvalidCreditPoints = "invalid-credit-points",
    /// Credit points are negative.
    NegativeCreditPoints = "negative-credit-points",
    /// A number could not be read.
    InvalidNumber = "invalid-number",
    /// A country could not be recognised.
    InvalidCountry = "invalid-country",
    /// An e-mail address looks wrong.
    InvalidEmail = "invalid-email",
    /// A yes/no value could not be read.
    InvalidBoolean = "invalid-boolean",
    /// A value is not one of the allowed words.
    InvalidChoice = "invalid-choice",
    /// A text is longer than expected; it was kept.
    LongText = "long-text",
    /// A cell holds invisible control characters (a NUL, an escape); they were left out.
    ControlCharacter = "control-character",

    // Word documents.
    /// What a Word table was read as (unit description, assessment grid, labels), and which labels matched.
    TableRecognised = "table-recognised",
    /// A Word table is neither a unit description nor an assessment grid; it was not read.
    TableNotRecognised = "table-not-recognised",
    /// A Word document holds no unit description and no assessment grid.
    NothingRecognised = "nothing-recognised",
    /// Labelled values in a Word document that belong to no unit or grid.
    LabelsNotAttached = "labels-not-attached",
    /// A template placeholder ("<brief overview …>") was left unfilled; it was not imported.
    PlaceholderText = "placeholder-text",
    /// Text in a Word table that belongs to no label; kept as an unmapped value.
    UnlabelledText = "unlabelled-text",
    /// The grading scheme an assessment grid's ratings were read on, and why.
    GridScheme = "grid-scheme",
    /// A criterion of an assessment grid has no mark.
    RatingNotMarked = "rating-not-marked",
    /// A criterion of an assessment grid is marked in more than one rating column.
    RatingMarkedTwice = "rating-marked-twice",
    /// A rating cell of an assessment grid holds something that is not a mark.
    UnreadableMark = "unreadable-mark",

    // Records.
    /// Two rows give different values for the same record.
    ConflictingValues = "conflicting-values",
    /// A record appears twice.
    DuplicateRecord = "duplicate-record",
    /// A row gives another value than the school profile; the row's is used.
    ProfileOverridden = "profile-overridden",
    /// A result or rating names a unit that no sheet defines.
    UnknownUnit = "unknown-unit",
    /// A result or rating names a learner that no sheet defines.
    UnknownLearner = "unknown-learner",
    /// A reference to an organisation could not be resolved.
    UnknownOrganisation = "unknown-organisation",
    /// A learner has no name.
    MissingLearnerName = "missing-learner-name",
    /// A learner's name holds characters no name has (`/`, `\`, `..`, `<`…); it is kept as typed.
    UnusualName = "unusual-name",

    // Checks over the model.
    /// A mobility ends before it starts.
    EndBeforeStart = "end-before-start",
    /// The stated duration in weeks disagrees with the dates.
    DurationMismatch = "duration-mismatch",
    /// A recorded pass/fail disagrees with the grade on its scheme.
    PassedContradictsGrade = "passed-contradicts-grade",
    /// More credit points awarded than the unit carries.
    PointsExceedUnit = "points-exceed-unit",
    /// A date of birth is implausible for a VET learner.
    ImplausibleBirthDate = "implausible-birth-date",
    /// A learner has no mobility.
    LearnerWithoutMobility = "learner-without-mobility",
    /// A mobility has no host organisation.
    MobilityWithoutHost = "mobility-without-host",
    /// A unit has no learning outcomes.
    UnitWithoutOutcomes = "unit-without-outcomes",
    /// A record lacks a value that an output format needs.
    MissingForOutput = "missing-for-output",

    // Writing.
    /// An output file edited by hand was kept (run with --force to overwrite it).
    OutputKept = "output-kept",
    /// One output file could not be built from its record (or its place in the output folder is a link); the others were written.
    OutputFailed = "output-failed",
    /// A file an earlier run wrote into the output folder that this run did not: its learner is no longer in the round (`--prune` removes it).
    StaleOutput = "stale-output",
    /// A text is longer than an output format holds (an Excel cell: 32,767 characters); that output has it cut, the others whole.
    TextCut = "text-cut",

    // Word templates.
    /// A placeholder of a school's Word template has no value for one document; the document shows the missing-value marker.
    MissingTemplateValue = "missing-template-value",
    /// A school's Word template has a problem that does not stop it being filled.
    TemplateWarning = "template-warning",

    // Credentials.
    /// A mobility's credential was not written: the record lacks what the format needs.
    CredentialSkipped = "credential-skipped",
    /// A learner has no assessment result yet; the credential records the mobility only.
    NoAssessmentYet = "no-assessment-yet",
    /// Texts in a language the output format cannot carry were left out of it.
    LanguageNotWritten = "language-not-written",
    /// A credential read back holds something europass cannot use; it was left out.
    CredentialContentSkipped = "credential-content-skipped",
    /// A signed credential was read without checking its signature.
    SignatureNotVerified = "signature-not-verified",
    /// A presentation's holder: the learner of its credentials, or someone else (a warning).
    PresentationHolder = "presentation-holder",
    /// A date-only field given as a midnight in UTC's evening (22:00Z, 23:00Z: midnight in the issuer's time zone) was read as the next calendar day.
    DateFromMidnightUtc = "date-from-midnight-utc",
    // Transcripts.
    /// A text holds characters the transcript's built-in font cannot show; they print as `�` (the attached credential keeps them).
    CharacterNotPrintable = "character-not-printable",
    /// No label file for a language asked for with `--lang`; the labels fall back to the languages that have one.
    LabelsFallBack = "labels-fall-back",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a diagnostic points: a file, and within it a sheet and cell, a row
/// or range of rows, a column, a Word table cell, an XML path or a record.
/// Rows are 1-based as a spreadsheet shows them; columns are 0-based inside
/// and shown as letters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The input (or output) file, as the user named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Sheet name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Word table number, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
    /// Row, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Last row of a range of rows, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_row: Option<u32>,
    /// Column, 0-based (A = 0).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "column_letters"
    )]
    pub column: Option<u32>,
    /// Path of an XML element or JSON member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A record of the canonical model (`learner 12345`), when no source place is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: Some(file.into()),
            ..Self::default()
        }
    }

    /// A sheet of a file.
    pub fn sheet(file: &str, sheet: &str) -> Self {
        Self {
            sheet: Some(sheet.to_string()),
            ..Self::file(file)
        }
    }

    /// A cell of a sheet (`row` 1-based, `column` 0-based).
    pub fn cell(file: &str, sheet: &str, row: u32, column: u32) -> Self {
        Self {
            row: Some(row),
            column: Some(column),
            ..Self::sheet(file, sheet)
        }
    }

    /// A row of a sheet (1-based).
    pub fn row(file: &str, sheet: &str, row: u32) -> Self {
        Self {
            row: Some(row),
            ..Self::sheet(file, sheet)
        }
    }

    /// A column of a sheet (0-based).
    pub fn column(file: &str, sheet: &str, column: u32) -> Self {
        Self {
            column: Some(column),
            ..Self::sheet(file, sheet)
        }
    }

    /// A record of the model, without a source place.
    pub fn record(record: impl Into<String>) -> Self {
        Self {
            record: Some(record.into()),
            ..Self::default()
        }
    }

    /// The A1 name of the cell, when this points at one.
    pub fn cell_name(&self) -> Option<String> {
        Some(format!("{}{}", column_name(self.column?), self.row?))
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(sheet) = &self.sheet {
            parts.push(sheet.clone());
        }
        if let Some(table) = self.table {
            parts.push(format!("table {table}"));
        }
        match (self.row, self.last_row, self.column) {
            (Some(r), None, Some(c)) => parts.push(format!("{}{r}", column_name(c))),
            (Some(r), Some(l), _) if l != r => parts.push(format!("rows {r}–{l}")),
            (Some(r), _, _) => parts.push(format!("row {r}")),
            (None, _, Some(c)) => parts.push(format!("column {}", column_name(c))),
            _ => {}
        }
        if let Some(path) = &self.path {
            parts.push(path.clone());
        }
        if let Some(record) = &self.record {
            parts.push(record.clone());
        }
        if parts.is_empty() {
            f.write_str("(whole run)")
        } else {
            f.write_str(&parts.join(" › "))
        }
    }
}

/// The spreadsheet name of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(column: u32) -> String {
    let mut n = column as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// The 0-based column of a spreadsheet column name (`A` → 0, `AA` → 26).
pub fn column_index(name: &str) -> Option<u32> {
    if name.is_empty() || name.len() > 3 {
        return None;
    }
    let mut n: u32 = 0;
    for b in name.bytes() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        n = n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    Some(n - 1)
}

mod column_letters {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(c: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
        match c {
            Some(c) => s.serialize_str(&super::column_name(*c)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        Ok(s.and_then(|s| super::column_index(&s)))
    }
}

/// One problem (or notable decision), located, with a hint on how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// What is wrong, in plain words, quoting the offending value.
    pub message: String,
    /// Where.
    pub location: Location,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The longest message or hint kept whole, in characters. A message quotes
/// the value it is about, and a cell may hold 100,000 characters: one such
/// value would fill the terminal, the report and the feedback workbook.
const MAX_MESSAGE_CHARS: usize = 1_000;

/// `text` within [`MAX_MESSAGE_CHARS`]: its start and end, with how much of
/// the middle was left out.
fn shorten(text: String) -> String {
    let count = text.chars().count();
    if count <= MAX_MESSAGE_CHARS {
        return text;
    }
    let (head, tail) = (MAX_MESSAGE_CHARS * 3 / 5, MAX_MESSAGE_CHARS / 5);
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!(
        "{start} … ({} characters left out) … {end}",
        count - head - tail
    )
}

impl Diagnostic {
    /// A diagnostic without a hint.
    pub fn new(
        severity: Severity,
        code: Code,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            code,
            message: shorten(message.into()),
            location,
            hint: None,
        }
    }

    /// An error.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, location, message)
    }

    /// A warning.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, location, message)
    }

    /// An informational note.
    pub fn info(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, location, message)
    }

    /// Adds a hint on how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(shorten(hint.into()));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.severity, self.code, self.location, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n    hint: {hint}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_message_quoting_a_huge_value_is_shortened_with_what_was_left_out() {
        let value = "x".repeat(100_000);
        let d = Diagnostic::error(
            Code::InvalidDate,
            Location::file("a.csv"),
            format!("'{value}' is not a date"),
        )
        .with_hint(format!("write {value}"));
        assert!(d.message.chars().count() < 1_100, "{}", d.message.len());
        assert!(d.message.starts_with("'xxx") && d.message.ends_with("' is not a date"));
        assert!(
            d.message.contains("99216 characters left out"),
            "{}",
            d.message
        );
        assert!(d.hint.unwrap().chars().count() < 1_100);
    }

    use super::*;

    #[test]
    fn column_names_round_trip_past_z() {
        for (i, name) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (51, "AZ"),
            (52, "BA"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(column_name(i), name);
            assert_eq!(column_index(name), Some(i));
        }
    }

    #[test]
    fn location_reads_file_sheet_cell() {
        let loc = Location::cell("round.xlsx", "Audzēkņi", 7, 2);
        assert_eq!(loc.to_string(), "round.xlsx › Audzēkņi › C7");
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
        }
    }
}
