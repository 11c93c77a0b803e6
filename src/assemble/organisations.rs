//! Organisations: found by key, PIC, OID or any of their names, merged field
//! by field with the roles they play, and given their ids.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::conflicts::show;
use super::{Ids, RoundBuilder};
use crate::diagnostics::{Code, Diagnostic};
use crate::mapping::records::OrganisationPart;
use crate::model::{Field, Round, Unmapped, ids};
use crate::model::{Organisation, OrganisationRole, RegistrationId, RegistrationScheme};
use crate::provenance::{Origin, RecordRef, SourceMap};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum OrgKey {
    Key(String),
    Pic(String),
    Oid(String),
    Name(String),
}

#[derive(Default)]
pub(super) struct OrgEntry {
    pub(super) part: OrganisationPart,
    pub(super) roles: BTreeSet<OrganisationRole>,
    pub(super) unmapped: Unmapped,
    pub(super) origin: Option<Origin>,
}

impl RoundBuilder {
    pub(super) fn upsert_org(
        &mut self,
        part: &Arc<OrganisationPart>,
        role: Option<OrganisationRole>,
        origin: Origin,
    ) -> Option<usize> {
        if part.name.is_empty() && part.key.is_none() && part.pic.is_none() && part.oid.is_none() {
            return None;
        }
        let recent = &mut self.recent.orgs[role.map_or(0, |r| r as usize + 1)];
        if let Some(i) = recent.find_shared(part) {
            return Some(i);
        }
        let before = self.diags.len();
        let index = self.merge_org(part, role, origin)?;
        if self.diags.len() == before {
            self.recent.orgs[role.map_or(0, |r| r as usize + 1)].remember(part, index);
        }
        Some(index)
    }

    pub(super) fn org_keys(&mut self, part: &OrganisationPart) -> Vec<OrgKey> {
        let mut keys = Vec::new();
        if let Some(k) = &part.key {
            keys.push(OrgKey::Key(self.fold(k)));
        }
        if let Some(p) = &part.pic {
            keys.push(OrgKey::Pic(p.clone()));
        }
        if let Some(o) = &part.oid {
            keys.push(OrgKey::Oid(o.to_ascii_uppercase()));
        }
        for name in part.name.texts() {
            keys.push(OrgKey::Name(self.fold(name)));
        }
        keys
    }

    pub(super) fn merge_org(
        &mut self,
        part: &OrganisationPart,
        role: Option<OrganisationRole>,
        origin: Origin,
    ) -> Option<usize> {
        let keys = self.org_keys(part);
        if keys.is_empty() {
            return None;
        }
        let found = keys.iter().find_map(|k| self.org_index.get(k).copied());
        let index = found.unwrap_or_else(|| {
            self.orgs.push(OrgEntry::default());
            self.orgs.len() - 1
        });
        for k in keys {
            self.org_index.entry(k).or_insert(index);
        }
        let mut entry = std::mem::take(&mut self.orgs[index]);
        let record = || {
            format!(
                "organisation {}",
                part.name
                    .texts()
                    .next()
                    .or(part.key.as_deref())
                    .unwrap_or("")
            )
        };
        {
            let (prefix_field, country_field) = match role {
                Some(OrganisationRole::Sending) => (Field::SendingName, Field::SendingCountry),
                Some(OrganisationRole::Host) => (Field::HostName, Field::HostCountry),
                Some(OrganisationRole::Intermediary) => {
                    (Field::IntermediaryName, Field::IntermediaryCountry)
                }
                _ => (Field::OrganisationName, Field::OrganisationCountry),
            };
            let first = entry.origin;
            let mut c = self.conflicts(origin, first, &record);
            let p = &mut entry.part;
            let u = &mut entry.unmapped;
            c.merge(&mut p.key, &part.key, Field::OrganisationKey, u, show);
            c.merge_text(&mut p.name, &part.name, prefix_field, u);
            c.merge(&mut p.country, &part.country, country_field, u, show);
            c.merge(
                &mut p.address,
                &part.address,
                Field::OrganisationAddress,
                u,
                show,
            );
            c.merge(&mut p.phone, &part.phone, Field::OrganisationPhone, u, show);
            c.merge(&mut p.email, &part.email, Field::OrganisationEmail, u, show);
            c.merge(
                &mut p.website,
                &part.website,
                Field::OrganisationWebsite,
                u,
                show,
            );
            c.merge(&mut p.pic, &part.pic, Field::OrganisationPic, u, show);
            c.merge(&mut p.oid, &part.oid, Field::OrganisationOid, u, show);
        }
        if let Some(r) = role {
            entry.roles.insert(r);
        }
        if entry.origin.is_none() {
            entry.origin = Some(origin);
        }
        self.orgs[index] = entry;
        Some(index)
    }

    /// Organisations: each takes the roles its mobilities give it, is
    /// reported when referred to without a name, and gets its id.
    pub(super) fn finish_organisations(
        &mut self,
        round: &mut Round,
        origins: &mut SourceMap,
    ) -> Ids {
        for m in &self.mobilities {
            for (org, role) in [
                (m.host, OrganisationRole::Host),
                (m.sending, OrganisationRole::Sending),
                (m.intermediary, OrganisationRole::Intermediary),
            ] {
                if let Some(o) = org {
                    self.orgs[o].roles.insert(role);
                }
            }
        }
        let mut claimed = Ids::default();
        for entry in std::mem::take(&mut self.orgs) {
            let lang = self.language_of(entry.origin);
            let p = entry.part;
            let id = claimed.claim(ids::organisation_id(&p.name, p.key.as_deref(), lang));
            if p.name.is_empty() {
                let loc = self.locate_or_record(entry.origin, Field::OrganisationKey, || {
                    format!("organisation {id}")
                });
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownOrganisation,
                        loc,
                        format!(
                            "the organisation \"{}\" is referred to but no sheet gives its name",
                            p.key.as_deref().unwrap_or(&id)
                        ),
                    )
                    .with_hint("add it to the organisations sheet, or write its full name instead of a key"),
                );
            }
            let mut registration_ids = Vec::new();
            if let Some(value) = p.pic {
                registration_ids.push(RegistrationId {
                    scheme: RegistrationScheme::Pic,
                    value,
                });
            }
            if let Some(value) = p.oid {
                registration_ids.push(RegistrationId {
                    scheme: RegistrationScheme::Oid,
                    value,
                });
            }
            if let Some(o) = entry.origin {
                origins.add(RecordRef::Organisation(id.clone()), o);
            }
            round.organisations.push(Organisation {
                id,
                name: p.name,
                roles: entry.roles,
                country: p.country,
                address: p.address,
                phone: p.phone,
                email: p.email,
                website: p.website,
                registration_ids,
                unmapped: entry.unmapped,
            });
        }
        claimed
    }
}
