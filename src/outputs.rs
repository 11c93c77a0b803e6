//! Every output's path, decided in one place before any exporter runs.
//!
//! Several formats write below one folder: learner folders hold credentials,
//! transcripts and Learning Agreements; `memoranda/` and the round's own
//! files sit beside them; a transcript names the agreement and memorandum
//! that go with it. When each exporter named its own files, two outputs of
//! one run could get the same path (a learner folder called `memoranda`, two
//! agreements whose names were cut to the same 60 characters) and one
//! overwrote the other. Here an [`OutputPlan`] names every output of a round
//! at once, claiming each path in one set, so collisions are impossible by
//! construction; the names depend on the round only (not on the formats
//! asked for, thread timing or input order), so every run names the same
//! outputs the same way, and the plan is listed in `report.json`.
//!
//! Names are plain ASCII, safe on Windows, macOS and Linux: learner folders
//! are named after people, and names can hold anything a school typed
//! (diacritics, slashes, `..`, a learner called "Con").

use std::collections::{BTreeMap, BTreeSet, HashSet};

mod record;
pub use record::{OutputRecord, hash};

use serde::Serialize;

use crate::model::{Learner, Mobility, Round};
use crate::text::slug;

/// The canonical round as JSON (`--to json`).
pub const ROUND_JSON: &str = "round.json";
/// The canonical round as a workbook (`--to xlsx`).
pub const ROUND_XLSX: &str = "round.xlsx";
/// Every transcript in one PDF (`--to pdf --bundle`).
pub const BUNDLE: &str = "transcripts.pdf";
/// Each input row with its status and problems (every `convert`).
pub const FEEDBACK: &str = "feedback.xlsx";
/// The report of the run (every `convert`).
pub const REPORT: &str = "report.json";
/// The folder of the Memoranda of Understanding (`--to docx`).
pub const MEMORANDA: &str = "memoranda";
/// The manifest's name in the output folder: the hash of every file
/// europass wrote. Its presence also marks the folder as europass output, so
/// converting a parent folder skips it.
pub const MANIFEST: &str = ".europass-manifest.json";
/// The journal's name in the output folder: the files of a run not yet in
/// the manifest, one `HASH PATH` line each (see [`OutputRecord`]).
pub const JOURNAL: &str = ".europass-journal";

/// The first tag of the keywords (Word's "Tags", `cp:keywords`) of every
/// Word document europass writes, followed by the document's kind:
/// `europass, learning-agreement`. A coordinator drops last round's outputs
/// into the next round's input folder; the tag tells them from a school's
/// unit descriptions, even when written from the school's own template.
pub const WORD_TAG: &str = "europass";

/// The keywords of a Word document europass writes, of `kind`
/// (`learning-agreement`, `memorandum`).
pub fn word_keywords(kind: &str) -> String {
    format!("{WORD_TAG}, {kind}")
}

/// The kind of a Word document europass wrote, from its keywords; `None`
/// for a document whose keywords do not start with europass's tag.
pub fn europass_word_kind(keywords: &str) -> Option<&str> {
    let mut tags = keywords.split([',', ';']).map(str::trim);
    match (tags.next(), tags.next()) {
        (Some(WORD_TAG), Some(kind)) if !kind.is_empty() => Some(kind),
        _ => None,
    }
}

/// Names in the output folder itself that no learner folder may take.
const TOP_LEVEL: &[&str] = &[
    ROUND_JSON, ROUND_XLSX, BUNDLE, FEEDBACK, REPORT, MEMORANDA, MANIFEST,
];

/// Longest folder or file name stem written.
const MAX_LEN: usize = 60;

/// Names Windows reserves for devices, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file-system-safe form of any text: ASCII letters and digits joined by
/// `-`, diacritics transliterated, never empty, never a reserved name.
pub fn safe_name(text: &str) -> String {
    let mut s: String = slug(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    // Letters with no ASCII form (Cyrillic, Greek) leave nothing: keep a hint of the text.
    if s.is_empty() {
        s = "x".into();
    }
    if s.len() > MAX_LEN {
        s.truncate(MAX_LEN);
        while s.ends_with('-') {
            s.pop();
        }
    }
    if RESERVED.contains(&s.as_str()) {
        s.push_str("-1");
    }
    s
}

/// What an output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputKind {
    /// `round.json` (`--to json`).
    Round,
    /// `round.xlsx` (`--to xlsx`).
    Workbook,
    /// A mobility's credential as XML (`--to xml`).
    CredentialXml,
    /// A mobility's credential as JSON-LD (`--to jsonld`).
    CredentialJsonld,
    /// A mobility's personal transcript (`--to pdf`).
    Transcript,
    /// Every transcript in one PDF (`--to pdf --bundle`).
    TranscriptBundle,
    /// A mobility's Learning Agreement (`--to docx`).
    LearningAgreement,
    /// A partnership's Memorandum of Understanding (`--to docx`).
    Memorandum,
    /// `feedback.xlsx`.
    Feedback,
    /// `report.json`.
    Report,
}

impl OutputKind {
    /// What the output at `path` (below an output folder, `/` separators)
    /// is, by its name: how a file an earlier run wrote is told apart.
    pub fn of_path(path: &str) -> Option<OutputKind> {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let kind = match (folder, name) {
            ("", ROUND_JSON) => OutputKind::Round,
            ("", ROUND_XLSX) => OutputKind::Workbook,
            ("", BUNDLE) => OutputKind::TranscriptBundle,
            ("", FEEDBACK) => OutputKind::Feedback,
            ("", REPORT) => OutputKind::Report,
            (MEMORANDA, n) if n.ends_with(".docx") => OutputKind::Memorandum,
            ("", _) => return None,
            (_, n) if n.starts_with("europass-mobility") && n.ends_with(".xml") => {
                OutputKind::CredentialXml
            }
            (_, n) if n.starts_with("europass-mobility") && n.ends_with(".jsonld") => {
                OutputKind::CredentialJsonld
            }
            (_, n) if n.starts_with("transcript") && n.ends_with(".pdf") => OutputKind::Transcript,
            (_, n) if n.ends_with(".docx") => OutputKind::LearningAgreement,
            _ => return None,
        };
        Some(kind)
    }

    /// The outputs written once per mobility.
    const PER_MOBILITY: [OutputKind; 4] = [
        OutputKind::CredentialXml,
        OutputKind::CredentialJsonld,
        OutputKind::Transcript,
        OutputKind::LearningAgreement,
    ];
}

/// One output of a run, as planned before any exporter runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedOutput {
    /// Path below the output folder, with `/` separators.
    pub path: String,
    /// What it is.
    pub kind: OutputKind,
    /// The learner it is for (per-mobility outputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner: Option<String>,
    /// The mobility it is for (per-mobility outputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobility: Option<String>,
    /// The sending organisation (memoranda).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sending: Option<String>,
    /// The host organisation (memoranda).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// The paths of one mobility's outputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MobilityPaths {
    /// The learner's folder.
    pub folder: String,
    /// `<folder>/europass-mobility.xml` (`-2`, … for a learner's later mobilities).
    pub credential_xml: String,
    /// `<folder>/europass-mobility.jsonld`, numbered like the XML.
    pub credential_jsonld: String,
    /// `<folder>/transcript.pdf`, numbered like the credentials.
    pub transcript: String,
    /// `<folder>/learning-agreement.docx`; named after host and start date
    /// when the learner has several mobilities.
    pub learning_agreement: String,
}

impl MobilityPaths {
    /// The path of `kind`, one of the per-mobility outputs.
    fn of(&self, kind: OutputKind) -> Option<&str> {
        Some(match kind {
            OutputKind::CredentialXml => &self.credential_xml,
            OutputKind::CredentialJsonld => &self.credential_jsonld,
            OutputKind::Transcript => &self.transcript,
            OutputKind::LearningAgreement => &self.learning_agreement,
            _ => return None,
        })
    }
}

/// Every output path of a round, unique and stable (see the module
/// documentation), and the list of what one run writes.
#[derive(Clone, Debug, Default)]
pub struct OutputPlan {
    folders: BTreeMap<String, String>,
    mobilities: Vec<MobilityPaths>,
    memoranda: BTreeMap<(String, String), String>,
    planned: Vec<PlannedOutput>,
}

impl OutputPlan {
    /// Names every output of `round`; [`OutputPlan::planned`] lists those
    /// of the `wanted` kinds. Which kinds are wanted never changes a name.
    pub fn new(round: &Round, wanted: &[OutputKind]) -> OutputPlan {
        let mut names = Names::default();
        for name in TOP_LEVEL {
            names.reserve(name);
        }
        let folders = assign_folders(round, &mut names);
        let mut mobilities = credential_paths(round, &folders, &mut names);
        agreement_paths(round, &mut mobilities, &mut names);
        let memoranda = memorandum_paths(round, &mut names);
        let mut plan = OutputPlan {
            folders,
            mobilities,
            memoranda,
            planned: Vec::new(),
        };
        plan.planned = plan.list(round, wanted);
        plan
    }

    /// The outputs of the wanted kinds, in a fixed order: the round's own
    /// files, each mobility's, the memoranda, then bundle, feedback, report.
    pub fn planned(&self) -> &[PlannedOutput] {
        &self.planned
    }

    /// The folder of each learner, by learner id.
    pub fn learner_folders(&self) -> &BTreeMap<String, String> {
        &self.folders
    }

    /// The paths of the outputs of `round.mobilities[index]`.
    pub fn mobility(&self, index: usize) -> &MobilityPaths {
        &self.mobilities[index]
    }

    /// The path of the per-mobility output `kind` of `round.mobilities[index]`.
    pub fn path(&self, kind: OutputKind, index: usize) -> Option<&str> {
        self.mobilities.get(index)?.of(kind)
    }

    /// The memorandum of the (sending id, host id) partnership.
    pub fn memorandum(&self, sending: &str, host: &str) -> Option<&str> {
        self.memoranda
            .get(&(sending.to_string(), host.to_string()))
            .map(String::as_str)
    }

    fn list(&self, round: &Round, wanted: &[OutputKind]) -> Vec<PlannedOutput> {
        let want = |k: OutputKind| wanted.contains(&k);
        let mut out = Vec::new();
        for (kind, path) in [
            (OutputKind::Round, ROUND_JSON),
            (OutputKind::Workbook, ROUND_XLSX),
        ] {
            if want(kind) {
                out.push(PlannedOutput::whole(path, kind));
            }
        }
        for (m, paths) in round.mobilities.iter().zip(&self.mobilities) {
            for kind in OutputKind::PER_MOBILITY.into_iter().filter(|k| want(*k)) {
                let path = paths.of(kind).expect("a per-mobility kind");
                out.push(PlannedOutput::of_mobility(path, kind, m));
            }
        }
        if want(OutputKind::Memorandum) {
            for ((sending, host), path) in &self.memoranda {
                out.push(PlannedOutput {
                    sending: Some(sending.clone()),
                    host: Some(host.clone()),
                    ..PlannedOutput::whole(path, OutputKind::Memorandum)
                });
            }
        }
        for (kind, path) in [
            (OutputKind::TranscriptBundle, BUNDLE),
            (OutputKind::Feedback, FEEDBACK),
            (OutputKind::Report, REPORT),
        ] {
            if want(kind) {
                out.push(PlannedOutput::whole(path, kind));
            }
        }
        out
    }
}

impl PlannedOutput {
    fn whole(path: &str, kind: OutputKind) -> PlannedOutput {
        PlannedOutput {
            path: path.to_string(),
            kind,
            learner: None,
            mobility: None,
            sending: None,
            host: None,
        }
    }

    fn of_mobility(path: &str, kind: OutputKind, m: &Mobility) -> PlannedOutput {
        PlannedOutput {
            learner: Some(m.learner.clone()),
            mobility: Some(m.id.clone()),
            ..PlannedOutput::whole(path, kind)
        }
    }
}

/// The paths taken so far, compared without case (as Windows and macOS
/// compare file names).
#[derive(Default)]
struct Names {
    taken: HashSet<String>,
}

impl Names {
    fn reserve(&mut self, path: &str) {
        self.taken.insert(path.to_lowercase());
    }

    fn is_taken(&self, path: &str) -> bool {
        self.taken.contains(&path.to_lowercase())
    }

    /// Claims `wanted`, or else the first free of `numbered(2)`, `numbered(3)`, …
    fn claim(&mut self, wanted: String, numbered: impl Fn(usize) -> String) -> String {
        let mut name = wanted;
        let mut n = 2;
        while !self.taken.insert(name.to_lowercase()) {
            name = numbered(n);
            n += 1;
        }
        name
    }
}

/// The folder of each learner (by learner id): `family-given`, with the
/// learner id added when two learners would share a folder or the name is
/// one of the output folder's own (`memoranda`). Learners are taken in id
/// order, so the names never depend on input order.
pub fn learner_folders(round: &Round) -> BTreeMap<String, String> {
    OutputPlan::new(round, &[]).folders
}

/// Learner folders, then a folder for each learner id a mobility names that
/// the round does not describe (after the learners, so they keep their names).
fn assign_folders(round: &Round, names: &mut Names) -> BTreeMap<String, String> {
    let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut learners: Vec<&Learner> = round.learners.iter().collect();
    learners.sort_by(|a, b| a.id.cmp(&b.id));
    for learner in learners {
        let base = safe_name(&format!("{} {}", learner.family_name, learner.given_names));
        by_name.entry(base).or_default().push(&learner.id);
    }
    let mut out = BTreeMap::new();
    for (base, ids) in &by_name {
        let shared = ids.len() > 1 || names.is_taken(base);
        for id in ids {
            out.insert(id.to_string(), claim_folder(names, base, id, shared));
        }
    }
    let unknown: BTreeSet<&str> = round
        .mobilities
        .iter()
        .map(|m| m.learner.as_str())
        .filter(|id| !out.contains_key(*id))
        .collect();
    for id in unknown {
        let base = safe_name(id);
        let shared = names.is_taken(&base);
        out.insert(id.to_string(), claim_folder(names, &base, id, shared));
    }
    out
}

fn claim_folder(names: &mut Names, base: &str, id: &str, shared: bool) -> String {
    let first = if shared {
        safe_name(&format!("{base} {id}"))
    } else {
        base.to_string()
    };
    names.claim(first.clone(), |n| format!("{first}-{n}"))
}

/// `stem` for a learner's first mobility (by start date), `stem-2` for
/// the second, …
fn numbered(stem: &str, n: usize) -> String {
    if n <= 1 {
        stem.to_string()
    } else {
        format!("{stem}-{n}")
    }
}

/// Each learner's mobilities by position in the round, in start-date order
/// (so file numbers never depend on which of them can be written).
fn mobilities_by_learner(round: &Round) -> BTreeMap<&str, Vec<usize>> {
    let mut by_learner: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, m) in round.mobilities.iter().enumerate() {
        by_learner.entry(m.learner.as_str()).or_default().push(i);
    }
    for list in by_learner.values_mut() {
        let key = |i: &usize| {
            let m = &round.mobilities[*i];
            (m.start, m.id.clone(), *i)
        };
        list.sort_by_key(key);
    }
    by_learner
}

/// Credentials and transcripts, numbered per learner.
fn credential_paths(
    round: &Round,
    folders: &BTreeMap<String, String>,
    names: &mut Names,
) -> Vec<MobilityPaths> {
    let mut out = vec![MobilityPaths::default(); round.mobilities.len()];
    for (learner, list) in mobilities_by_learner(round) {
        let folder = &folders[learner];
        for (n, &i) in list.iter().enumerate() {
            let mut file = |stem: &str, ext: &str| {
                let base = format!("{folder}/{}", numbered(stem, n + 1));
                names.claim(format!("{base}.{ext}"), |k| format!("{base}-{k}.{ext}"))
            };
            let credential_xml = file("europass-mobility", "xml");
            let credential_jsonld = file("europass-mobility", "jsonld");
            let transcript = file("transcript", "pdf");
            out[i] = MobilityPaths {
                folder: folder.clone(),
                credential_xml,
                credential_jsonld,
                transcript,
                learning_agreement: String::new(),
            };
        }
    }
    out
}

/// `learning-agreement.docx`, or one per mobility named after host and start
/// date when a learner has several; a name cut to the same 60 characters as
/// another gets a number.
fn agreement_paths(round: &Round, paths: &mut [MobilityPaths], names: &mut Names) {
    let mut per_learner: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &round.mobilities {
        *per_learner.entry(m.learner.as_str()).or_default() += 1;
    }
    for (m, p) in round.mobilities.iter().zip(paths.iter_mut()) {
        let stem = if per_learner[m.learner.as_str()] > 1 {
            let mut stem = format!("learning-agreement {}", m.host.as_deref().unwrap_or(""));
            if let Some(start) = m.start {
                stem.push(' ');
                stem.push_str(&start.to_string());
            }
            safe_name(&stem)
        } else {
            "learning-agreement".to_string()
        };
        let folder = &p.folder;
        p.learning_agreement = names.claim(format!("{folder}/{stem}.docx"), |n| {
            format!("{folder}/{stem}-{n}.docx")
        });
    }
}

/// `memoranda/<sending>-<host>.docx` per (sending, host) pair of the round's
/// mobilities.
fn memorandum_paths(round: &Round, names: &mut Names) -> BTreeMap<(String, String), String> {
    let pairs: BTreeSet<(&str, &str)> = round
        .mobilities
        .iter()
        .filter_map(|m| Some((m.sending.as_deref()?, m.host.as_deref()?)))
        .collect();
    pairs
        .into_iter()
        .map(|(sending, host)| {
            let stem = format!("{MEMORANDA}/{}-{}", safe_name(sending), safe_name(host));
            let file = names.claim(format!("{stem}.docx"), |n| format!("{stem}-{n}.docx"));
            ((sending.to_string(), host.to_string()), file)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Learner, Mobility};

    fn learner(id: &str, given: &str, family: &str) -> Learner {
        Learner {
            id: id.into(),
            given_names: given.into(),
            family_name: family.into(),
            ..Learner::default()
        }
    }

    fn mobility(id: &str, learner: &str, host: &str, start: &str) -> Mobility {
        Mobility {
            id: id.into(),
            learner: learner.into(),
            sending: Some("school".into()),
            host: Some(host.into()),
            start: start.parse().ok(),
            ..Mobility::default()
        }
    }

    fn round(learners: Vec<Learner>, mobilities: Vec<Mobility>) -> Round {
        Round {
            learners,
            mobilities,
            ..Round::default()
        }
    }

    /// Every path of the plan, of every kind.
    fn all_paths(plan: &OutputPlan) -> Vec<String> {
        plan.planned().iter().map(|p| p.path.clone()).collect()
    }

    const EVERY_KIND: &[OutputKind] = &[
        OutputKind::Round,
        OutputKind::Workbook,
        OutputKind::CredentialXml,
        OutputKind::CredentialJsonld,
        OutputKind::Transcript,
        OutputKind::TranscriptBundle,
        OutputKind::LearningAgreement,
        OutputKind::Memorandum,
        OutputKind::Feedback,
        OutputKind::Report,
    ];

    fn assert_unique(plan: &OutputPlan) {
        let paths = all_paths(plan);
        let mut seen = HashSet::new();
        for p in &paths {
            assert!(seen.insert(p.to_lowercase()), "{p} twice in {paths:#?}");
        }
    }

    #[test]
    fn names_with_path_tricks_become_plain_folder_names() {
        assert_eq!(safe_name("Ķēniņš Oskars"), "kenins-oskars");
        assert_eq!(safe_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_name("a\\b/c\0d"), "a-b-c-d");
        assert_eq!(safe_name("CON"), "con-1");
        assert_eq!(safe_name("   "), "x");
        assert!(safe_name(&"ā".repeat(500)).len() <= MAX_LEN);
    }

    #[test]
    fn learners_sharing_a_name_get_their_id_added_in_a_stable_way() {
        let mut round = Round {
            learners: vec![
                learner("A-2", "Anna", "Ozola"),
                learner("A-1", "Anna", "Ozola"),
                learner("A-3", "Jānis", "Bērziņš"),
            ],
            ..Round::default()
        };
        let folders = learner_folders(&round);
        assert_eq!(folders["A-1"], "ozola-anna-a-1");
        assert_eq!(folders["A-2"], "ozola-anna-a-2");
        assert_eq!(folders["A-3"], "berzins-janis");
        round.learners.reverse();
        assert_eq!(
            learner_folders(&round),
            folders,
            "input order does not change the names"
        );
    }

    #[test]
    fn a_learner_named_like_the_memoranda_folder_gets_a_folder_of_their_own() {
        let round = round(
            vec![learner("L-1", "", "Memoranda")],
            vec![mobility("M-1", "L-1", "host", "2024-03-04")],
        );
        let plan = OutputPlan::new(&round, EVERY_KIND);
        let folder = &plan.learner_folders()["L-1"];
        assert_ne!(folder, MEMORANDA);
        assert_eq!(folder, "memoranda-l-1");
        assert_eq!(
            plan.memorandum("school", "host"),
            Some("memoranda/school-host.docx")
        );
        assert_unique(&plan);
    }

    #[test]
    fn agreements_at_a_host_with_a_long_name_keep_a_file_each() {
        let host = "a".repeat(70);
        let round = round(
            vec![learner("L-1", "Anna", "Ozola")],
            vec![
                mobility("M-1", "L-1", &host, "2024-03-04"),
                mobility("M-2", "L-1", &host, "2024-05-06"),
                mobility("M-3", "L-1", &host, "2024-07-08"),
            ],
        );
        let plan = OutputPlan::new(&round, EVERY_KIND);
        let agreements: Vec<&str> = (0..3)
            .map(|i| plan.mobility(i).learning_agreement.as_str())
            .collect();
        let cut = format!(
            "ozola-anna/{}",
            safe_name(&format!("learning-agreement {host}"))
        );
        assert_eq!(
            agreements,
            [
                format!("{cut}.docx"),
                format!("{cut}-2.docx"),
                format!("{cut}-3.docx")
            ]
        );
        assert_unique(&plan);
    }

    #[test]
    fn no_learner_folder_takes_a_name_of_the_output_folder_itself() {
        let learners: Vec<Learner> = TOP_LEVEL
            .iter()
            .enumerate()
            .map(|(i, name)| learner(&format!("L-{i}"), "", name))
            .chain([learner("L-x", "", "l-0")])
            .collect();
        let mobilities = learners
            .iter()
            .map(|l| mobility(&format!("M-{}", l.id), &l.id, "host", "2024-03-04"))
            .collect();
        let round = Round {
            learners,
            mobilities,
            ..Round::default()
        };
        let plan = OutputPlan::new(&round, EVERY_KIND);
        for folder in plan.learner_folders().values() {
            assert!(!TOP_LEVEL.contains(&folder.as_str()), "{folder}");
        }
        assert_unique(&plan);
    }

    #[test]
    fn a_mobility_of_a_learner_the_round_lacks_gets_a_folder_no_learner_has() {
        let round = round(
            vec![learner("L-1", "Anna", "Ozola")],
            vec![
                mobility("M-1", "L-1", "host", "2024-03-04"),
                mobility("M-2", "ozola-anna", "host", "2024-03-04"),
            ],
        );
        let plan = OutputPlan::new(&round, EVERY_KIND);
        assert_eq!(plan.mobility(0).folder, "ozola-anna");
        assert_eq!(plan.mobility(1).folder, "ozola-anna-ozola-anna");
        assert_unique(&plan);
    }

    #[test]
    fn credentials_and_transcripts_are_numbered_by_start_date() {
        let round = round(
            vec![learner("L-1", "Anna", "Ozola")],
            vec![
                mobility("M-1", "L-1", "host", "2024-09-01"),
                mobility("M-2", "L-1", "host", "2024-03-01"),
            ],
        );
        let plan = OutputPlan::new(&round, EVERY_KIND);
        assert_eq!(
            plan.mobility(1).credential_xml,
            "ozola-anna/europass-mobility.xml"
        );
        assert_eq!(
            plan.mobility(0).credential_jsonld,
            "ozola-anna/europass-mobility-2.jsonld"
        );
        assert_eq!(plan.mobility(0).transcript, "ozola-anna/transcript-2.pdf");
        assert_eq!(
            plan.mobility(1).learning_agreement,
            "ozola-anna/learning-agreement-host-2024-03-01.docx"
        );
    }

    #[test]
    fn the_names_do_not_depend_on_the_formats_asked_for() {
        let round = round(
            vec![learner("L-1", "Anna", "Ozola")],
            vec![mobility("M-1", "L-1", "host", "2024-09-01")],
        );
        let all = OutputPlan::new(&round, EVERY_KIND);
        let some = OutputPlan::new(&round, &[OutputKind::Transcript]);
        assert_eq!(all.mobility(0), some.mobility(0));
        assert_eq!(all_paths(&some), ["ozola-anna/transcript.pdf".to_string()]);
    }
}
