//! Europass credentials (`--to xml`, `--to jsonld`): everything that writes
//! the XML (`europassCredential`, EDCI 1.2) and the JSON-LD (European Digital
//! Credential, ELM 3.2), in one place so that both always say the same thing.
//!
//! [`mod@plan`] decides what goes into each learner's credential, [`ids`] gives
//! every node a stable identifier; the controlled vocabularies are
//! [`crate::vocab`], shared with the readers in `import`. The field-by-field
//! mapping is documented in `docs/credential-mapping.md`.

pub mod ids;
pub(crate) mod jsonld;
pub mod plan;
pub(crate) mod xml;

pub use ids::{Ids, Kind};
pub use plan::{Credential, Format, UnitEntry, plan};
