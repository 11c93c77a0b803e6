//! Europass credentials (`--to xml`, `--to jsonld`): everything that writes
//! the XML (`europassCredential`, EDCI 1.2) and the JSON-LD (European Digital
//! Credential, ELM 3.2), in one place so that both always say the same thing.
//!
//! [`mod@plan`] decides what goes into each learner's credential, [`ids`] gives
//! every node a stable identifier; the controlled vocabularies are
//! [`crate::vocab`], shared with the readers in `import`. The field-by-field
//! mapping is documented in `docs/credential-mapping.md`.

mod exporter;
pub mod ids;
pub(crate) mod jsonld;
pub mod plan;
pub(crate) mod xml;

pub use exporter::CredentialExporter;
pub(crate) use exporter::{OneFileEach, Run, WriteCredentials};
pub use ids::Kind;
pub use plan::{Credential, Format, UnitEntry, plan};

/// `--to xml`: Europass Mobility as EU credential XML, one per mobility.
pub static XML: CredentialExporter = CredentialExporter::new(
    xml::FORMAT,
    "Europass Mobility as an EU credential XML (europassCredential, EDCI 1.2), one per mobility",
    &OneFileEach(xml::write),
);

/// `--to jsonld`: Europass Mobility as a European Digital Credential, one per mobility.
pub static JSONLD: CredentialExporter = CredentialExporter::new(
    jsonld::FORMAT,
    "Europass Mobility as a European Digital Credential (JSON-LD, ELM 3.2), one per mobility",
    &OneFileEach(jsonld::write),
);
