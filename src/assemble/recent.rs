//! Parts of recent rows and the records they became: a flat sheet repeats
//! the same learner, organisations and unit on row after row, and a part
//! already merged without conflict is found again without key look-ups.

use std::sync::Arc;

use crate::mapping::records::{
    ContactPart, LearnerPart, OrganisationPart, QualificationPart, UnitPart,
};
use crate::model::ContactRole;

/// Parts seen on recent rows and the record each became. A flat sheet
/// repeats the same learner, organisations and unit on row after row, and a
/// part identical to one already merged without conflict needs neither key
/// look-ups nor merging again.
#[derive(Default)]
pub(super) struct RecentParts {
    pub(super) learners: Recent<Arc<LearnerPart>>,
    /// One list per role (none, sending, host, intermediary, issuer).
    pub(super) orgs: [Recent<Arc<OrganisationPart>>; 5],
    pub(super) contacts: Recent<(Option<usize>, ContactRole, ContactPart)>,
    pub(super) units: Recent<Arc<UnitPart>>,
    pub(super) qualifications: Recent<Arc<QualificationPart>>,
}

/// A few recently seen values and their record indexes, most recent first.
pub(super) struct Recent<P> {
    pub(super) items: Vec<(P, usize)>,
}

impl<P> Default for Recent<P> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<P: PartialEq + Clone> Recent<P> {
    const CAPACITY: usize = 16;

    pub(super) fn find_by(&mut self, matches: impl Fn(&P) -> bool) -> Option<usize> {
        let pos = self.items.iter().position(|(p, _)| matches(p))?;
        let index = self.items[pos].1;
        // Keep the hit in front: rows of one learner or unit come together.
        self.items[..=pos].rotate_right(1);
        Some(index)
    }

    pub(super) fn remember(&mut self, part: &P, index: usize) {
        if self.items.len() == Self::CAPACITY {
            self.items.pop();
        }
        self.items.insert(0, (part.clone(), index));
    }
}

impl<T: PartialEq> Recent<Arc<T>> {
    /// A part shared with an earlier row is found by pointer, among all the
    /// recent parts before any field of one is compared.
    pub(super) fn find_shared(&mut self, part: &Arc<T>) -> Option<usize> {
        self.find_by(|p| Arc::ptr_eq(p, part))
            .or_else(|| self.find_by(|p| **p == **part))
    }
}
