//! The controlled vocabularies and fixed identifiers both credential formats
//! use: EU authority tables (countries, languages), the Europass lists
//! (credential types, EQF, credit systems, learning outcome types) and the
//! identifier schemes europass uses to carry its own record ids.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::{CreditSystem, NqfLevel, OutcomeCategory};

/// XML namespace of the EU credential schema (`europassCredential`).
pub const SNB_NS: &str = "http://data.europa.eu/snb";
/// XML namespace of the W3C verifiable-credential part of that schema (`cred:`).
pub const CRED_NS: &str = "http://data.europa.eu/europass/model/credentials/w3c#";
/// XML Schema instance namespace.
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Where the official samples say the XSD lives.
pub const XSD_LOCATION: &str =
    "http://publications.europa.eu/resource/schema/credential/genericschema_1.2.xsd";

/// The VC data model 2.0 context.
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The VC data model 1.1 context (older EDC samples use it; read, never written).
pub const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// The EDC application profile context (ELM 3.2).
pub const EDC_CONTEXT: &str = "http://data.europa.eu/snb/model/context/edc-ap";
/// The EDC SHACL shapes the JSON-LD follows.
pub const EDC_SHACL: &str = "http://data.europa.eu/snb/model/ap/edc-generic-full";
/// The EBSI Trusted Schemas Registry entry of the EDC JSON Schema (v2.1.0).
pub const EDC_JSON_SCHEMA: &str = "https://api-pilot.ebsi.eu/trusted-schemas-registry/v3/schemas/0x4d40d34533797f62a8a03d7c4a4cd7827d289fadf1bfa582ec0ecfedbe55a6e0";

/// Europass credential types: the list and its "Generic" entry.
pub const CREDENTIAL_TYPES: &str = "http://data.europa.eu/snb/credential/25831c2";
/// The "Generic" credential type.
pub const CREDENTIAL_TYPE_GENERIC: &str = "http://data.europa.eu/snb/credential/e34929035b";

/// The EQF levels scheme; a level is `EQF_LEVEL_PREFIX` + the number.
pub const EQF_SCHEME: &str = "http://data.europa.eu/snb/eqf/25831c2";
/// Prefix of an EQF level concept.
pub const EQF_LEVEL_PREFIX: &str = "http://data.europa.eu/snb/eqf/";

/// The EU register's scheme of national qualification framework levels,
/// the scheme both formats require of an NQF level.
pub const NQF_SCHEME: &str = "http://data.europa.eu/snb/qdr/25831c2";
/// Prefix of europass's own concept for a national level,
/// `urn:europass-converter:nqf:<framework>:<level>` (`…:nqf:LV:4`; `-` for
/// a framework not known): the register's own concept for the level is
/// not available offline, and a level is not guessed into one.
pub const NQF_LEVEL_PREFIX: &str = "urn:europass-converter:nqf:";

/// The Europass education credit systems.
pub const CREDIT_SCHEME: &str = "http://data.europa.eu/snb/education-credit/25831c2";
/// ECVET in the Europass credit systems list.
pub const CREDIT_ECVET: &str = "http://data.europa.eu/snb/education-credit/60b314e826";
/// ECTS in the Europass credit systems list.
pub const CREDIT_ECTS: &str = "http://data.europa.eu/snb/education-credit/6fcec5c5af";
/// ECVET as the XML schema's `CreditPointSystemType` names it.
pub const XML_CREDIT_ECVET: &str =
    "http://data.europa.eu/europass/educationalCreditPointSystem/ecvet";
/// ECTS as the XML schema's `CreditPointSystemType` names it.
pub const XML_CREDIT_ECTS: &str =
    "http://data.europa.eu/europass/educationalCreditPointSystem/ects";

/// The learning outcome (skill) types scheme the EDC shapes require.
pub const SKILL_TYPE_SCHEME: &str = "http://data.europa.eu/snb/skill-type/25831c2";
/// Prefix of a learning outcome type concept (`knowledge`, `skill`, `competence`).
pub const SKILL_TYPE_PREFIX: &str = "http://data.europa.eu/snb/skill-type/";

/// The EU country authority table; a country is the prefix + ISO alpha-3.
pub const COUNTRY_SCHEME: &str = "http://publications.europa.eu/resource/authority/country";
/// The EU language authority table; a language is the prefix + its code.
pub const LANGUAGE_SCHEME: &str = "http://publications.europa.eu/resource/authority/language";
/// The EU file type authority table.
pub const FILE_TYPE_SCHEME: &str = "http://publications.europa.eu/resource/authority/file-type";
/// SVG in the file type table.
pub const FILE_TYPE_SVG: &str = "http://publications.europa.eu/resource/authority/file-type/SVG";
/// The Europass content encodings list.
pub const ENCODING_SCHEME: &str = "http://data.europa.eu/snb/encoding/25831c2";
/// base64 in the Europass content encodings list.
pub const ENCODING_BASE64: &str = "http://data.europa.eu/snb/encoding/6146cde7dd";
/// The EU human sex authority table.
pub const HUMAN_SEX_SCHEME: &str = "http://publications.europa.eu/resource/authority/human-sex";
/// ESCO skills, for learning outcomes linked to one.
pub const ESCO_SKILLS: &str = "http://data.europa.eu/esco/skill";

/// Identifier scheme of europass's own record ids, so that a credential read
/// back gives the same records (and joins with the spreadsheets they came from).
pub const SCHEME_RECORD: &str = "urn:europass-converter:record";
/// Identifier scheme of a school's own learner number.
pub const SCHEME_SCHOOL_ID: &str = "urn:europass-converter:school-learner-number";
/// Identifier scheme of a national personal identifier without a known jurisdiction.
pub const SCHEME_NATIONAL_ID: &str = "urn:europass-converter:national-id";
/// Identifier scheme of a unit's code.
pub const SCHEME_UNIT_CODE: &str = "urn:europass-converter:unit-code";
/// Identifier scheme of a qualification's national code.
pub const SCHEME_QUALIFICATION_CODE: &str = "urn:europass-converter:qualification-code";
/// Identifier scheme of an Erasmus+ mobility id.
pub const SCHEME_MOBILITY_ID: &str = "urn:europass-converter:erasmus-mobility-id";
/// Identifier scheme of an Erasmus+ project code.
pub const SCHEME_PROJECT_CODE: &str = "urn:europass-converter:erasmus-project-code";
/// Identifier scheme of a grading scheme's definition (its canonical JSON).
pub const SCHEME_GRADING_DEFINITION: &str = "urn:europass-converter:grading-scheme-definition";
/// Identifier scheme of an Erasmus+ PIC.
pub const SCHEME_PIC: &str = "urn:europass-converter:erasmus-pic";
/// Identifier scheme of an Erasmus+ OID.
pub const SCHEME_OID: &str = "urn:europass-converter:erasmus-oid";
/// Identifier scheme of a national business or education register number.
pub const SCHEME_NATIONAL_REGISTER: &str = "urn:europass-converter:national-register";

/// The topic of a note europass writes, so that reading it back knows what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteTopic {
    /// A unit's area of work tasks.
    AreaOfWork,
    /// How much of a unit was achieved.
    Achievement,
    /// Deviations from the learning agreement.
    Deviations,
    /// The mentor at the host (XML, where agents are organisations only).
    Mentor,
    /// The assessor (XML, where agents are organisations only).
    Assessor,
}

impl NoteTopic {
    /// Every topic.
    pub const ALL: [NoteTopic; 5] = [
        NoteTopic::AreaOfWork,
        NoteTopic::Achievement,
        NoteTopic::Deviations,
        NoteTopic::Mentor,
        NoteTopic::Assessor,
    ];

    /// The subject label written with the note.
    pub fn label(self) -> &'static str {
        match self {
            NoteTopic::AreaOfWork => "area of work",
            NoteTopic::Achievement => "achievement",
            NoteTopic::Deviations => "deviations from the learning agreement",
            NoteTopic::Mentor => "mentor",
            NoteTopic::Assessor => "assessor",
        }
    }

    /// The topic with this subject label.
    pub fn from_label(label: &str) -> Option<NoteTopic> {
        let label = label.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.label().eq_ignore_ascii_case(label))
    }
}

/// The concept of a learning outcome category; none for an outcome of no
/// category, which is written without a type rather than under a guessed one.
pub fn skill_type_uri(category: OutcomeCategory) -> Option<String> {
    skill_type_notation(category).map(|n| format!("{SKILL_TYPE_PREFIX}{n}"))
}

/// The last segment of a learning outcome category's concept.
pub fn skill_type_notation(category: OutcomeCategory) -> Option<&'static str> {
    match category {
        OutcomeCategory::Knowledge => Some("knowledge"),
        OutcomeCategory::Skill => Some("skill"),
        OutcomeCategory::Competence => Some("competence"),
        OutcomeCategory::Unspecified => None,
    }
}

/// The English label of a learning outcome category.
pub fn skill_type_label(category: OutcomeCategory) -> Option<&'static str> {
    match category {
        OutcomeCategory::Knowledge => Some("knowledge"),
        OutcomeCategory::Skill => Some("skill"),
        OutcomeCategory::Competence => Some("responsibility and autonomy"),
        OutcomeCategory::Unspecified => None,
    }
}

/// The category named by a learning outcome type concept or label: the
/// Europass `skill-type` list, ESCO's skill types, or the words themselves.
pub fn skill_type_from(uri_or_label: &str) -> Option<OutcomeCategory> {
    let last = uri_or_label
        .trim()
        .trim_end_matches('/')
        .rsplit(['/', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match last.as_str() {
        "knowledge" => Some(OutcomeCategory::Knowledge),
        "skill" | "skills" => Some(OutcomeCategory::Skill),
        "competence" | "competences" | "responsibility and autonomy" | "autonomy" => {
            Some(OutcomeCategory::Competence)
        }
        _ => None,
    }
}

/// The concept europass names a national framework level by
/// ([`NQF_LEVEL_PREFIX`]); the level's characters a URN cannot hold as
/// they are are percent-encoded.
pub fn nqf_level_uri(level: &NqfLevel) -> String {
    let encode = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let framework = level.framework.as_deref().map_or("-".to_string(), encode);
    format!("{NQF_LEVEL_PREFIX}{framework}:{}", encode(&level.level))
}

/// The national level a concept europass wrote names.
pub fn nqf_level_from(uri: &str) -> Option<NqfLevel> {
    let decode = |s: &str| -> Option<String> {
        let mut bytes = Vec::new();
        let mut it = s.bytes();
        while let Some(b) = it.next() {
            if b == b'%' {
                let hex = [it.next()?, it.next()?];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            } else {
                bytes.push(b);
            }
        }
        String::from_utf8(bytes).ok()
    };
    let (framework, level) = uri.strip_prefix(NQF_LEVEL_PREFIX)?.split_once(':')?;
    let level = decode(level).filter(|l| !l.is_empty())?;
    let framework = match framework {
        "-" => None,
        f => Some(decode(f)?),
    };
    Some(NqfLevel { level, framework })
}

/// The concept of a credit system, when the Europass list has one.
pub fn credit_system_uri(system: &CreditSystem) -> Option<&'static str> {
    match system {
        CreditSystem::Ecvet => Some(CREDIT_ECVET),
        CreditSystem::Ects => Some(CREDIT_ECTS),
        CreditSystem::National(_) => None,
    }
}

/// The English label of a credit system.
pub fn credit_system_label(system: &CreditSystem) -> String {
    match system {
        CreditSystem::Ecvet => {
            "European credit system for vocational education and training".into()
        }
        CreditSystem::Ects => "European Credit Transfer System".into(),
        CreditSystem::National(name) => format!("national credit points ({name})"),
    }
}

/// The credit system a concept or XML scheme names.
pub fn credit_system_from(uri: &str) -> Option<CreditSystem> {
    match uri.trim() {
        CREDIT_ECVET | XML_CREDIT_ECVET => Some(CreditSystem::Ecvet),
        CREDIT_ECTS | XML_CREDIT_ECTS => Some(CreditSystem::Ects),
        _ => None,
    }
}

/// A country of the EU authority table: its concept and English name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub alpha2: String,
    /// ISO 3166-1 alpha-3, the authority table's code.
    pub alpha3: String,
    /// English name.
    pub name: String,
}

impl Country {
    /// The concept URI.
    pub fn uri(&self) -> String {
        format!("{COUNTRY_SCHEME}/{}", self.alpha3)
    }
}

fn countries() -> &'static (HashMap<String, Country>, HashMap<String, String>) {
    static TABLE: OnceLock<(HashMap<String, Country>, HashMap<String, String>)> = OnceLock::new();
    TABLE.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            countries: std::collections::BTreeMap<String, Vec<String>>,
        }
        let file: File = toml::from_str(include_str!("../mappings/countries.toml"))
            .expect("mappings/countries.toml is valid");
        let mut by2 = HashMap::new();
        let mut by3 = HashMap::new();
        for (alpha2, names) in file.countries {
            let (Some(alpha3), Some(name)) = (names.first(), names.get(1)) else {
                continue;
            };
            by3.insert(alpha3.clone(), alpha2.clone());
            by2.insert(
                alpha2.clone(),
                Country {
                    alpha2,
                    alpha3: alpha3.clone(),
                    name: name.clone(),
                },
            );
        }
        (by2, by3)
    })
}

/// The country with this ISO alpha-2 code.
pub fn country(alpha2: &str) -> Option<&'static Country> {
    countries().0.get(&alpha2.to_ascii_uppercase())
}

/// The ISO alpha-2 code of a country concept URI, alpha-3 or alpha-2 code.
pub fn country_from(uri_or_code: &str) -> Option<String> {
    let code = uri_or_code
        .trim()
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match code.len() {
        3 => countries().1.get(&code).cloned(),
        2 if countries().0.contains_key(&code) => Some(code),
        _ => None,
    }
}

/// A language: ISO 639-1 tag, the EU authority table's code and English name.
/// The XML schema allows only the languages marked `xml`.
const LANGUAGES: &[(&str, &str, &str, bool)] = &[
    ("bg", "BUL", "Bulgarian", true),
    ("cs", "CES", "Czech", true),
    ("da", "DAN", "Danish", true),
    ("de", "DEU", "German", true),
    ("el", "ELL", "Greek", true),
    ("en", "ENG", "English", true),
    ("es", "SPA", "Spanish", true),
    ("et", "EST", "Estonian", true),
    ("fi", "FIN", "Finnish", true),
    ("fr", "FRA", "French", true),
    ("ga", "GLE", "Irish", true),
    ("hr", "HRV", "Croatian", true),
    ("hu", "HUN", "Hungarian", true),
    ("is", "ISL", "Icelandic", true),
    ("it", "ITA", "Italian", true),
    ("lt", "LIT", "Lithuanian", true),
    ("lv", "LAV", "Latvian", true),
    ("mk", "MKD", "Macedonian", true),
    ("mt", "MLT", "Maltese", true),
    ("nl", "NLD", "Dutch", true),
    ("no", "NOR", "Norwegian", true),
    ("pl", "POL", "Polish", true),
    ("pt", "POR", "Portuguese", true),
    ("ro", "RON", "Romanian", true),
    ("sk", "SLK", "Slovak", true),
    ("sl", "SLV", "Slovenian", true),
    ("sr", "SRP", "Serbian", true),
    ("sv", "SWE", "Swedish", true),
    ("tr", "TUR", "Turkish", true),
    ("ru", "RUS", "Russian", false),
    ("uk", "UKR", "Ukrainian", false),
    ("sq", "SQI", "Albanian", false),
    ("bs", "BOS", "Bosnian", false),
    ("ca", "CAT", "Catalan", false),
    ("eu", "EUS", "Basque", false),
    ("gl", "GLG", "Galician", false),
    ("lb", "LTZ", "Luxembourgish", false),
    ("nb", "NOB", "Norwegian Bokmål", false),
    ("nn", "NNO", "Norwegian Nynorsk", false),
    ("ar", "ARA", "Arabic", false),
    ("zh", "ZHO", "Chinese", false),
    ("ja", "JPN", "Japanese", false),
];

/// The EU language authority concept of a language tag (`lv` → `…/language/LAV`).
pub fn language_uri(tag: &str) -> Option<String> {
    LANGUAGES
        .iter()
        .find(|(t, ..)| t.eq_ignore_ascii_case(tag))
        .map(|(_, code, ..)| format!("{LANGUAGE_SCHEME}/{code}"))
}

/// The English name of a language tag.
pub fn language_name(tag: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(t, ..)| t.eq_ignore_ascii_case(tag))
        .map(|(_, _, name, _)| *name)
}

/// Whether the XML credential schema allows texts in this language.
pub fn xml_language(tag: &str) -> bool {
    LANGUAGES
        .iter()
        .any(|(t, _, _, xml)| *xml && t.eq_ignore_ascii_case(tag))
}

/// The language tag of an EU language concept URI or code (`…/LAV` → `lv`).
pub fn language_from(uri_or_code: &str) -> Option<String> {
    let code = uri_or_code.trim().rsplit('/').next().unwrap_or("");
    LANGUAGES
        .iter()
        .find(|(t, c, ..)| c.eq_ignore_ascii_case(code) || t.eq_ignore_ascii_case(code))
        .map(|(t, ..)| t.to_string())
}

/// Fixed texts of a credential, in the languages europass has them.
pub struct Labels {
    /// The credential's title.
    pub title: &'static str,
    /// The credential's description.
    pub description: &'static str,
    /// Title of the mobility activity and its specification.
    pub activity: &'static str,
    /// Title of an assessment ("Assessment: <unit>").
    pub assessment: &'static str,
    /// "Mentor".
    pub mentor: &'static str,
    /// "Assessor".
    pub assessor: &'static str,
    /// Achievement in full / partly / not.
    pub achieved: [&'static str; 3],
}

const LABELS: &[(&str, Labels)] = &[
    (
        "en",
        Labels {
            title: "Europass Mobility",
            description: "Record of a period of learning abroad (ECVET learning mobility) and of the learning outcomes assessed during it.",
            activity: "Learning mobility abroad",
            assessment: "Assessment",
            mentor: "Mentor",
            assessor: "Assessor",
            achieved: ["achieved in full", "partly achieved", "not achieved"],
        },
    ),
    (
        "lv",
        Labels {
            title: "Europass mobilitāte",
            description: "Apliecinājums par mācību periodu ārvalstīs (ECVET mācību mobilitāte) un tajā novērtētajiem mācīšanās rezultātiem.",
            activity: "Mācību mobilitāte ārvalstīs",
            assessment: "Novērtējums",
            mentor: "Mentors",
            assessor: "Vērtētājs",
            achieved: ["sasniegts pilnībā", "sasniegts daļēji", "nav sasniegts"],
        },
    ),
    (
        "fi",
        Labels {
            title: "Europass-liikkuvuustodistus",
            description: "Todistus ulkomailla suoritetusta oppimisjaksosta (ECVET-oppimisliikkuvuus) ja sen aikana arvioiduista oppimistuloksista.",
            activity: "Oppimisjakso ulkomailla",
            assessment: "Arviointi",
            mentor: "Työpaikkaohjaaja",
            assessor: "Arvioija",
            achieved: [
                "saavutettu kokonaan",
                "saavutettu osittain",
                "ei saavutettu",
            ],
        },
    ),
    (
        "de",
        Labels {
            title: "Europass Mobilität",
            description: "Nachweis über einen Lernaufenthalt im Ausland (ECVET-Lernmobilität) und die dabei bewerteten Lernergebnisse.",
            activity: "Lernaufenthalt im Ausland",
            assessment: "Bewertung",
            mentor: "Mentor",
            assessor: "Prüfer",
            achieved: [
                "vollständig erreicht",
                "teilweise erreicht",
                "nicht erreicht",
            ],
        },
    ),
];

/// The fixed texts in `lang`, if europass has them.
pub fn labels(lang: &str) -> Option<&'static Labels> {
    LABELS
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(lang))
        .map(|(_, t)| t)
}

/// The languages europass has fixed texts in.
pub fn label_languages() -> impl Iterator<Item = &'static str> {
    LABELS.iter().map(|(l, _)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_map_both_ways_through_the_authority_table() {
        let lv = country("LV").unwrap();
        assert_eq!(
            lv.uri(),
            "http://publications.europa.eu/resource/authority/country/LVA"
        );
        assert_eq!(lv.name, "Latvia");
        assert_eq!(country_from(&lv.uri()).as_deref(), Some("LV"));
        assert_eq!(country_from("FIN").as_deref(), Some("FI"));
        assert_eq!(country_from("…/country/XXX"), None);
    }

    #[test]
    fn languages_map_both_ways_and_know_what_the_xsd_allows() {
        assert_eq!(
            language_uri("lv").as_deref(),
            Some("http://publications.europa.eu/resource/authority/language/LAV")
        );
        assert_eq!(
            language_from("http://publications.europa.eu/resource/authority/language/DEU")
                .as_deref(),
            Some("de")
        );
        assert!(xml_language("fi"));
        assert!(!xml_language("ru"));
    }

    #[test]
    fn a_national_level_reads_back_from_the_concept_it_is_written_as() {
        for level in [
            NqfLevel {
                level: "4".into(),
                framework: Some("LV".into()),
            },
            NqfLevel {
                level: "6 A/ü".into(),
                framework: None,
            },
        ] {
            let uri = nqf_level_uri(&level);
            assert!(!uri.contains(' '), "{uri}");
            assert_eq!(nqf_level_from(&uri), Some(level));
        }
        assert_eq!(nqf_level_from("http://data.europa.eu/snb/eqf/4"), None);
    }

    #[test]
    fn outcome_types_are_read_from_europass_and_esco_concepts() {
        for c in [
            OutcomeCategory::Knowledge,
            OutcomeCategory::Skill,
            OutcomeCategory::Competence,
        ] {
            assert_eq!(skill_type_from(&skill_type_uri(c).unwrap()), Some(c));
        }
        assert_eq!(skill_type_uri(OutcomeCategory::Unspecified), None);
        assert_eq!(
            skill_type_from("http://data.europa.eu/esco/skill-type/knowledge"),
            Some(OutcomeCategory::Knowledge)
        );
        assert_eq!(
            skill_type_from("responsibility and autonomy"),
            Some(OutcomeCategory::Competence)
        );
    }
}
