//! Europass credentials: what the XML (`europassCredential`, EDCI 1.2) and
//! JSON-LD (European Digital Credential, ELM 3.2) writers and readers share.
//!
//! [`plan`] decides what goes into each learner's credential, [`ids`] gives
//! every node a stable identifier and [`vocab`] holds the controlled
//! vocabularies. The writers live in `export`, the readers in `import`; the
//! field-by-field mapping is documented in `docs/credential-mapping.md`.

pub mod ids;
pub mod plan;

pub use ids::{Ids, Kind};
pub use plan::{Credential, Format, UnitEntry, plan};
