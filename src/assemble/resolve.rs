//! What only the whole round tells, settled once every row is in: the
//! mobility of a result that named none, each assessor's organisation, and a
//! mobility's qualification.

use std::collections::BTreeSet;

use super::RoundBuilder;
use crate::model::ContactRole;

impl RoundBuilder {
    /// Settles what only the whole round tells: the mobility of a result or
    /// targeted unit that named none (the learner's only mobility), each
    /// assessor's organisation (the host of that mobility), and a mobility's
    /// qualification when all its units share one. Returns each result's
    /// assessor contact.
    pub(super) fn resolve(&mut self) -> Vec<Option<usize>> {
        // Each learner's one mobility; none when they have several.
        let mut one_mobility: Vec<Option<Option<usize>>> = vec![None; self.learners.len()];
        for (i, m) in self.mobilities.iter().enumerate() {
            let slot = &mut one_mobility[m.learner];
            *slot = Some(if slot.is_none() { Some(i) } else { None });
        }
        let only = |learner: usize| one_mobility.get(learner).copied().flatten().flatten();
        let mut units_of: Vec<(usize, usize)> = Vec::new();
        for r in &mut self.results {
            r.mobility = r.mobility.or_else(|| only(r.learner));
            if let Some(m) = r.mobility {
                units_of.push((m, r.unit));
            }
        }
        let mut planned = Vec::new();
        for t in std::mem::take(&mut self.targets) {
            if let Some(m) = t.mobility.or_else(|| only(t.learner)) {
                units_of.push((m, t.unit));
                if let Some((part, origin)) = t.planned {
                    planned.push((m, t.unit, part, origin));
                }
            } else if let Some((_, origin)) = t.planned {
                self.report_unplaced_plan(origin);
            }
        }
        for (m, unit, part, origin) in planned {
            self.plan_unit(m, unit, part, origin);
        }
        for (m, u) in units_of {
            if !self.mobilities[m].units.contains(&u) {
                self.mobilities[m].units.push(u);
            }
        }
        let mut assessors = Vec::with_capacity(self.results.len());
        for i in 0..self.results.len() {
            let contact = self.results[i].assessor.take().and_then(|part| {
                let org = self.results[i]
                    .mobility
                    .and_then(|m| self.mobilities[m].host);
                let name = part.name.clone()?;
                Some(self.upsert_contact(org, &name, &part, ContactRole::Assessor))
            });
            assessors.push(contact);
        }
        for m in &mut self.mobilities {
            if m.qualification.is_none() {
                let quals: BTreeSet<Option<usize>> = m
                    .units
                    .iter()
                    .map(|u| self.units[*u].qualification)
                    .collect();
                if quals.len() == 1 {
                    m.qualification = quals.into_iter().next().flatten();
                }
            }
        }
        assessors
    }
}
