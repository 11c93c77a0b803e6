//! Contact persons (coordinators, mentors, assessors): one per name within
//! an organisation, holding every role they were named in.

use std::collections::BTreeSet;

use super::{Ids, RoundBuilder, Settled};
use crate::mapping::records::ContactPart;
use crate::model::{ContactPerson, ContactRole, Round, ids};

pub(super) struct ContactEntry {
    pub(super) part: ContactPart,
    pub(super) organisation: Option<usize>,
    pub(super) roles: BTreeSet<ContactRole>,
}

impl RoundBuilder {
    pub(super) fn upsert_contact(
        &mut self,
        org: Option<usize>,
        name: &str,
        part: &ContactPart,
        role: ContactRole,
    ) -> usize {
        if let Some(i) = self
            .recent
            .contacts
            .find_by(|(o, r, p)| *o == org && *r == role && p == part)
        {
            return i;
        }
        let index = self.merge_contact(org, name, part, role);
        self.recent
            .contacts
            .remember(&(org, role, part.clone()), index);
        index
    }

    pub(super) fn merge_contact(
        &mut self,
        org: Option<usize>,
        name: &str,
        part: &ContactPart,
        role: ContactRole,
    ) -> usize {
        let key = (org, self.fold(name));
        let index = *self.contact_index.entry(key).or_insert_with(|| {
            self.contacts.push(ContactEntry {
                part: ContactPart::default(),
                organisation: org,
                roles: BTreeSet::new(),
            });
            self.contacts.len() - 1
        });
        let c = &mut self.contacts[index];
        c.part.name.get_or_insert_with(|| name.to_string());
        c.part.position.merge_missing(&part.position);
        if c.part.email.is_none() {
            c.part.email.clone_from(&part.email);
        }
        if c.part.phone.is_none() {
            c.part.phone.clone_from(&part.phone);
        }
        c.roles.insert(role);
        index
    }

    /// Contact persons, named within their organisation.
    pub(super) fn finish_contacts(&mut self, round: &mut Round, settled: &Settled) -> Ids {
        let mut claimed = Ids::default();
        for c in std::mem::take(&mut self.contacts) {
            let name = c.part.name.unwrap_or_default();
            let base = ids::contact_id(c.organisation.map(|o| settled.orgs[o].as_str()), &name);
            round.contacts.push(ContactPerson {
                id: claimed.claim(base),
                name,
                position: c.part.position,
                email: c.part.email,
                phone: c.part.phone,
                organisation: c.organisation.map(|o| settled.orgs[o].clone()),
                roles: c.roles,
            });
        }
        claimed
    }
}
