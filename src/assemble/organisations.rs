//! Organisations: found by key, PIC, OID or any of their names, merged field
//! by field with the roles they play, and given their ids.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::conflicts::show;
use super::{Ids, RoundBuilder};
use crate::diagnostics::{Code, Diagnostic};
use crate::mapping::records::OrganisationPart;
use crate::model::{CountryCode, Field, MultilingualText, Round, Unmapped, ids};
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
            let mut p = p;
            p.name = name_in_own_language(p.name, p.country.as_ref());
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

/// An organisation's name is a proper name: it is written in its country's
/// language whatever sheet it was typed into. A text tagged with a language
/// that is not an official language of the country (a Finnish company's name
/// typed into a Latvian workbook) is the name in the country's first official
/// language, unless the name in that language is given too and differs: then
/// it is a translation and keeps its tag ("Vidzeme Vocational Secondary
/// School" beside "Vidzemes Profesionālā vidusskola"). Without a known
/// country, the texts keep the language they came with.
fn name_in_own_language(name: MultilingualText, country: Option<&CountryCode>) -> MultilingualText {
    let official = country.map_or(&[][..], CountryCode::official_languages);
    let Some(own) = official.first() else {
        return name;
    };
    let in_own: Vec<&str> = official.iter().filter_map(|l| name.get(l)).collect();
    let mut out = MultilingualText::new();
    for (lang, text) in name.iter() {
        if official.contains(&lang) || !(in_own.is_empty() || in_own.contains(&text)) {
            out.set(lang, text);
        } else if out.get(own).is_none() && in_own.is_empty() {
            out.set(own, text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(name: &MultilingualText) -> Vec<(&str, &str)> {
        name.iter().collect()
    }

    #[test]
    fn a_name_in_a_foreign_sheets_language_is_in_the_countrys_language() {
        let fi = CountryCode("FI".into());
        let name = MultilingualText::from([("lv", "Oy Autokorjaamo Virtanen Ab")]);
        let own = name_in_own_language(name, Some(&fi));
        assert_eq!(names(&own), [("fi", "Oy Autokorjaamo Virtanen Ab")]);
    }

    #[test]
    fn a_translation_beside_the_name_in_the_countrys_language_keeps_its_tag() {
        let lv = CountryCode("LV".into());
        let name = MultilingualText::from([
            ("lv", "Vidzemes Profesionālā vidusskola"),
            ("en", "Vidzeme Vocational Secondary School"),
        ]);
        let own = name_in_own_language(name.clone(), Some(&lv));
        assert_eq!(own, name);
        // The same name again in a foreign tag is no translation: once.
        let twice = MultilingualText::from([("de", "Oy Virtanen Ab"), ("fi", "Oy Virtanen Ab")]);
        let once = name_in_own_language(twice, Some(&CountryCode("FI".into())));
        assert_eq!(names(&once), [("fi", "Oy Virtanen Ab")]);
    }

    #[test]
    fn without_a_known_country_a_name_keeps_its_tags() {
        let name = MultilingualText::from([("lv", "Acme Ltd")]);
        assert_eq!(name_in_own_language(name.clone(), None), name);
        let xx = CountryCode("XX".into());
        assert_eq!(name_in_own_language(name.clone(), Some(&xx)), name);
    }
}
