//! Stable identifiers for everything a credential names.
//!
//! Every `id` in a credential is a UUID version 5: a hash of a fixed project
//! UUID, the issuing school's record id, the kind of thing and its record
//! id. The same round therefore gives byte-identical files on every run,
//! while two schools' learner "A-001" never share an identifier.

use uuid::Uuid;

/// The fixed namespace of europass's credential identifiers (a random v4 UUID,
/// chosen once; changing it changes every identifier ever written).
const PROJECT: Uuid = Uuid::from_u128(0x4705_3d0b_b797_4acd_8131_4342_6993_4315);

/// What an identifier names; its name appears in the URN (`urn:epass:org:…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The credential itself (`urn:credential:…`).
    Credential,
    /// The learner.
    Person,
    /// A mentor or assessor.
    Contact,
    /// An organisation.
    Organisation,
    /// An organisation's or activity's location.
    Location,
    /// The mobility.
    Activity,
    /// The mobility's specification.
    ActivitySpecification,
    /// A unit's achievement.
    Achievement,
    /// A unit's specification.
    LearningSpecification,
    /// A qualification.
    Qualification,
    /// A learning outcome.
    LearningOutcome,
    /// An assessment (or one criterion's rating).
    Assessment,
    /// An assessment's specification.
    AssessmentSpecification,
    /// A grading scheme.
    GradingScheme,
    /// The awarding process of the credential's claims.
    AwardingProcess,
    /// Anything else a JSON-LD node needs an id for (notes, addresses, periods, …).
    Node,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Credential => "credential",
            Kind::Person => "person",
            Kind::Contact => "contact",
            Kind::Organisation => "org",
            Kind::Location => "location",
            Kind::Activity => "activity",
            Kind::ActivitySpecification => "learningActivitySpec",
            Kind::Achievement => "learningAchievement",
            Kind::LearningSpecification => "learningAchievementSpec",
            Kind::Qualification => "qualification",
            Kind::LearningOutcome => "learningOutcome",
            Kind::Assessment => "learningAssessment",
            Kind::AssessmentSpecification => "learningAssessmentSpec",
            Kind::GradingScheme => "gradingScheme",
            Kind::AwardingProcess => "awardingProcess",
            Kind::Node => "node",
        }
    }
}

/// Derives the identifiers of one issuer's credentials.
#[derive(Clone, Debug)]
pub struct Ids {
    namespace: Uuid,
}

impl Ids {
    /// Identifiers scoped by the issuing organisation's record id.
    pub fn for_issuer(issuer: &str) -> Self {
        Self {
            namespace: Uuid::new_v5(&PROJECT, issuer.as_bytes()),
        }
    }

    /// The UUID of `key` (a record id, or several joined by `/`) of `kind`.
    pub fn uuid(&self, kind: Kind, key: &str) -> Uuid {
        let mut name = Vec::with_capacity(kind.name().len() + key.len() + 1);
        name.extend_from_slice(kind.name().as_bytes());
        name.push(0);
        name.extend_from_slice(key.as_bytes());
        Uuid::new_v5(&self.namespace, &name)
    }

    /// The URN of `key` of `kind`: `urn:credential:<uuid>` for the credential,
    /// `urn:epass:<kind>:<uuid>` for everything in it (as the official samples write them).
    pub fn urn(&self, kind: Kind, key: &str) -> String {
        let uuid = self.uuid(kind, key);
        let mut out = String::with_capacity(64);
        if kind == Kind::Credential {
            out.push_str("urn:credential:");
        } else {
            out.push_str("urn:epass:");
            out.push_str(kind.name());
            out.push(':');
        }
        out.push_str(uuid.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_stable_and_scoped_by_issuer_and_kind() {
        let a = Ids::for_issuer("school-a");
        let b = Ids::for_issuer("school-b");
        assert_eq!(a.urn(Kind::Person, "A-001"), a.urn(Kind::Person, "A-001"));
        assert_ne!(a.urn(Kind::Person, "A-001"), b.urn(Kind::Person, "A-001"));
        assert_ne!(
            a.uuid(Kind::Person, "A-001"),
            a.uuid(Kind::Contact, "A-001")
        );
        assert!(a.urn(Kind::Credential, "m").starts_with("urn:credential:"));
        assert!(a.urn(Kind::Organisation, "x").starts_with("urn:epass:org:"));
        assert_eq!(a.uuid(Kind::Person, "A-001").get_version_num(), 5);
    }
}
