//! The school profile fills what the inputs leave empty: the sending
//! organisation of mobilities no row gives one, the school's details, its
//! coordinator and signatory, the project code and the memorandum's texts.
//! A value an input gives always wins; a row naming another sending
//! organisation than the profile's is noted at its cell.

use std::collections::{BTreeSet, HashSet};

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    ContactPerson, ContactRole, Field, Memorandum, MultilingualText, Organisation,
    OrganisationRole, RegistrationId, RegistrationScheme, Round, ids,
};
use crate::profile::{Person, Profile};
use crate::provenance::{RecordRef, SourceMap};
use crate::text::fold;

/// Fills `round` from `profile` where the inputs left it empty.
pub(crate) fn fill_from_profile(
    round: &mut Round,
    sources: &SourceMap,
    profile: &Profile,
    diags: &mut Vec<Diagnostic>,
) {
    let language = profile.language(sources.first_language().unwrap_or("en"));
    let name = profile.school_name(language);
    let Some(school) = school_index(round, &name, language) else {
        return;
    };
    let school_id = round.organisations[school].id.clone();
    let mut noted = HashSet::new();
    for m in &mut round.mobilities {
        match &m.sending {
            None => m.sending = Some(school_id.clone()),
            Some(other) if *other != school_id && !name.is_empty() => {
                if noted.insert(other.clone()) {
                    diags.push(other_school_note(sources, &m.id, other, profile));
                }
            }
            Some(_) => {}
        }
        if m.project_code.is_none() {
            m.project_code.clone_from(&profile.project_code);
        }
    }
    fill_school(&mut round.organisations[school], profile, &name);
    add_person(
        round,
        &school_id,
        &profile.coordinator,
        ContactRole::Coordinator,
        language,
    );
    add_person(
        round,
        &school_id,
        &profile.signatory,
        ContactRole::Signatory,
        language,
    );
    fill_memoranda(round, &school_id, profile, language);
}

/// The school's organisation: the one whose name matches the profile's,
/// else a new one when the profile names the school, else the round's only
/// sending organisation (a profile that gives the country alone).
fn school_index(round: &mut Round, name: &MultilingualText, language: &str) -> Option<usize> {
    let folded: BTreeSet<String> = name.texts().map(fold).collect();
    if let Some(i) = round
        .organisations
        .iter()
        .position(|o| o.name.texts().any(|t| folded.contains(&fold(t))))
    {
        round.organisations[i]
            .roles
            .insert(OrganisationRole::Sending);
        return Some(i);
    }
    if name.is_empty() {
        let sending: BTreeSet<&str> = round
            .mobilities
            .iter()
            .filter_map(|m| m.sending.as_deref())
            .collect();
        let only = (sending.len() == 1).then(|| sending.into_iter().next())??;
        return round.organisations.iter().position(|o| o.id == only);
    }
    let mut id = ids::organisation_id(name, None, language);
    while round.organisations.iter().any(|o| o.id == id) {
        id.push_str("-school");
    }
    round.organisations.push(Organisation {
        id,
        name: name.clone(),
        roles: BTreeSet::from([OrganisationRole::Sending]),
        ..Organisation::default()
    });
    Some(round.organisations.len() - 1)
}

/// A note at the row that names another sending organisation: the row's is
/// used, and the user may want to know the profile was not.
fn other_school_note(
    sources: &SourceMap,
    mobility: &str,
    other: &str,
    profile: &Profile,
) -> Diagnostic {
    let loc = sources.locate(
        &RecordRef::Mobility(mobility.to_string()),
        Some(Field::SendingName),
    );
    let school = profile.school.name.as_deref().unwrap_or_default();
    Diagnostic::info(
        Code::ProfileOverridden,
        loc,
        format!(
            "the row names \"{other}\" as the sending organisation, the school profile {} names \"{school}\"; the row's is used",
            profile.file
        ),
    )
    .with_hint("leave the cell empty to use the profile's school, or correct school.name in the profile")
}

/// The profile's details where the school's record has none.
fn fill_school(org: &mut Organisation, profile: &Profile, name: &MultilingualText) {
    let s = &profile.school;
    org.name.merge_missing(name);
    for (slot, value) in [
        (&mut org.address, &s.address),
        (&mut org.website, &s.website),
        (&mut org.email, &s.email),
        (&mut org.phone, &s.phone),
    ] {
        if slot.is_none() {
            slot.clone_from(value);
        }
    }
    if org.country.is_none() {
        org.country.clone_from(&s.country);
    }
    for (scheme, value) in [
        (RegistrationScheme::Pic, &s.pic),
        (RegistrationScheme::Oid, &s.oid),
        (RegistrationScheme::National, &s.national_id),
    ] {
        if let Some(value) = value
            && !org.registration_ids.iter().any(|r| r.scheme == scheme)
        {
            org.registration_ids.push(RegistrationId {
                scheme,
                value: value.clone(),
            });
        }
    }
}

/// The profile's person in `role` at the school, unless an input already
/// names someone else in that role there; a person the inputs name gets
/// the role and the details they lack.
fn add_person(round: &mut Round, school: &str, person: &Person, role: ContactRole, language: &str) {
    let Some(name) = person.name.as_deref() else {
        return;
    };
    let at_school = |c: &ContactPerson| c.organisation.as_deref() == Some(school);
    if round
        .contacts
        .iter()
        .any(|c| at_school(c) && c.roles.contains(&role) && fold(&c.name) != fold(name))
    {
        return;
    }
    let index = match round
        .contacts
        .iter()
        .position(|c| at_school(c) && fold(&c.name) == fold(name))
    {
        Some(i) => i,
        None => {
            round.contacts.push(ContactPerson {
                id: ids::contact_id(Some(school), name),
                name: name.to_string(),
                organisation: Some(school.to_string()),
                ..ContactPerson::default()
            });
            round.contacts.len() - 1
        }
    };
    let c = &mut round.contacts[index];
    c.roles.insert(role);
    if c.email.is_none() {
        c.email.clone_from(&person.email);
    }
    if c.phone.is_none() {
        c.phone.clone_from(&person.phone);
    }
    if let Some(position) = &person.position
        && c.position.is_empty()
    {
        c.position.set(language, position.clone());
    }
}

/// The memorandum's validity and texts: into each record the school signs
/// that lacks them, and a record for each host the school sends to that has
/// none (with no file code: the profile does not number memoranda).
fn fill_memoranda(round: &mut Round, school: &str, profile: &Profile, language: &str) {
    let texts = &profile.memorandum;
    if texts == &Default::default() {
        return;
    }
    let hosts: BTreeSet<String> = round
        .mobilities
        .iter()
        .filter(|m| m.sending.as_deref() == Some(school))
        .filter_map(|m| m.host.clone())
        .collect();
    for host in hosts {
        let signs = |mou: &Memorandum| {
            mou.organisations.iter().any(|o| o == school) && mou.organisations.contains(&host)
        };
        if !round.memoranda.iter().any(signs) {
            round.memoranda.push(Memorandum {
                // Named as its file is (memoranda/<school>-<host>.docx).
                id: format!("{school}-{host}"),
                organisations: vec![school.to_string(), host.clone()],
                ..Memorandum::default()
            });
        }
    }
    for mou in round
        .memoranda
        .iter_mut()
        .filter(|m| m.organisations.iter().any(|o| o == school))
    {
        if mou.valid_until.is_none() {
            mou.valid_until = texts.valid_until;
        }
        for (slot, text) in [
            (
                &mut mou.assessment_and_recognition,
                &texts.assessment_and_recognition,
            ),
            (&mut mou.evaluation, &texts.evaluation),
        ] {
            if let Some(text) = text
                && slot.is_empty()
            {
                slot.set(language, text.clone());
            }
        }
    }
}
