//! One row joined: its organisations, qualification, unit and learner found
//! or added, then its mobility and result; whatever it says beyond the
//! fields stays with its learner as unmapped values.

use super::mobilities::MobilityLinks;
use super::{RoundBuilder, Target};
use crate::diagnostics::{Code, Diagnostic};
use crate::mapping::records::{OrganisationPart, RowRecord};
use crate::model::{ContactRole, Field, OrganisationRole, Unmapped};
use crate::provenance::{Origin, SheetInfo};

/// The organisations a row names, found or added.
struct RowOrganisations {
    sending: Option<usize>,
    host: Option<usize>,
    intermediary: Option<usize>,
}

impl RoundBuilder {
    /// Joins one row. Takes what it keeps out of `row` and leaves the rest,
    /// so the caller can free the remains off the joining thread.
    pub(crate) fn add_row(&mut self, row: &mut RowRecord) {
        let origin = row.origin.expect("rows carry their origin");
        if !row.organisation.is_empty() {
            return self.add_organisation_row(row, origin);
        }
        let orgs = self.upsert_row_organisations(row, origin);
        let qualification = self.upsert_qualification(&row.qualification, origin);
        let unit = self.upsert_unit(&row.unit, qualification, origin);
        let learner = self.upsert_learner(&row.learner, origin);
        let mentor = self.upsert_row_contacts(row, &orgs);

        // Unmapped values stay with the row's learner whatever the layout, so a
        // flat sheet and a learners sheet keep them in the same place.
        let owner = match (learner, unit, qualification) {
            (Some(l), _, _) => &mut self.learners[l].unmapped,
            (None, Some(u), _) => &mut self.units[u].unmapped,
            (None, None, Some(q)) => &mut self.quals[q].unmapped,
            (None, None, None) => return,
        };
        attach(
            owner,
            std::mem::take(&mut row.unmapped),
            origin,
            &self.sheets,
        );
        let Some(learner) = learner else {
            if !row.planned.is_empty() {
                self.report_plan_without_learner(origin);
            }
            return;
        };

        let has_mobility = !row.mobility.is_empty()
            || orgs.host.is_some()
            || orgs.sending.is_some()
            || mentor.is_some();
        let mobility = has_mobility.then(|| {
            // A qualification on a unit's row belongs to the unit; on a
            // learner's row without a unit, to the learner's mobility.
            let learner_qualification = if unit.is_none() { qualification } else { None };
            let links = MobilityLinks {
                host: orgs.host,
                sending: orgs.sending,
                intermediary: orgs.intermediary,
                mentor,
                qualification: learner_qualification,
            };
            self.upsert_mobility(learner, links, &row.mobility, origin)
        });
        let Some(unit) = unit else { return };
        self.add_row_result(row, learner, unit, mobility, origin);
    }

    /// Planned points or activities on a row that names no learner: a plan
    /// belongs to one learner's mobility.
    fn report_plan_without_learner(&mut self, origin: Origin) {
        self.diags.push(
            Diagnostic::warning(
                Code::MissingValue,
                self.locate(origin, Field::LearnerId),
                "the row plans ECVET points or activities for a unit but names no learner; they are not used",
            )
            .with_hint("add the learner's ID (or name) to the row, or move the planned activities to the planned-units sheet"),
        );
    }

    /// A row of an organisations sheet: the organisation and its contact person.
    fn add_organisation_row(&mut self, row: &mut RowRecord, origin: Origin) {
        let part = &row.organisation;
        let Some(org) = self.upsert_org(part, part.role, origin) else {
            return;
        };
        // A school's contact person is its coordinator; anyone else's a
        // general contact (mentors are named per mobility).
        if let Some(name) = &part.contact.name {
            let role = match part.role {
                Some(OrganisationRole::Sending) => ContactRole::Coordinator,
                _ => ContactRole::Contact,
            };
            self.upsert_contact(Some(org), name, &part.contact, role);
        }
        attach(
            &mut self.orgs[org].unmapped,
            std::mem::take(&mut row.unmapped),
            origin,
            &self.sheets,
        );
    }

    /// The sending, host and intermediary organisations of a row; details
    /// of one the row does not name are reported and kept with the learner.
    fn upsert_row_organisations(
        &mut self,
        row: &mut RowRecord,
        origin: Origin,
    ) -> RowOrganisations {
        let orgs = RowOrganisations {
            sending: self.upsert_org(&row.sending, Some(OrganisationRole::Sending), origin),
            host: self.upsert_org(&row.host, Some(OrganisationRole::Host), origin),
            intermediary: self.upsert_org(
                &row.intermediary,
                Some(OrganisationRole::Intermediary),
                origin,
            ),
        };
        for (found, what, field) in [
            (orgs.sending, "sending", Field::SendingName),
            (orgs.host, "host", Field::HostName),
            (orgs.intermediary, "intermediary", Field::IntermediaryName),
        ] {
            let part = match what {
                "sending" => &row.sending,
                "host" => &row.host,
                _ => &row.intermediary,
            };
            if found.is_none() && !part.is_empty() {
                let values = orphan_values(what, part);
                self.report_unnamed_organisation(what, field, &values, origin);
                row.unmapped.extend(values);
            }
        }
        orgs
    }

    fn report_unnamed_organisation(
        &mut self,
        what: &str,
        field: Field,
        values: &[(String, String)],
        origin: Origin,
    ) {
        let listed: Vec<String> = values.iter().map(|(k, v)| format!("{k} \"{v}\"")).collect();
        self.diags.push(
            Diagnostic::warning(
                Code::MissingValue,
                self.locate(origin, field),
                format!(
                    "the row gives the {what} organisation's details ({}) but not its name; they are kept with the learner",
                    listed.join(", ")
                ),
            )
            .with_hint(format!("fill in the {what} organisation's name")),
        );
    }

    /// The contact persons a row names: the sending school's coordinator, the
    /// host's contact, and the learner's mentor (returned).
    fn upsert_row_contacts(&mut self, row: &RowRecord, orgs: &RowOrganisations) -> Option<usize> {
        if let Some(org) = orgs.sending
            && let Some(name) = &row.sending.contact.name
        {
            self.upsert_contact(
                Some(org),
                name,
                &row.sending.contact,
                ContactRole::Coordinator,
            );
        }
        if let Some(org) = orgs.host
            && let Some(name) = &row.host.contact.name
        {
            self.upsert_contact(Some(org), name, &row.host.contact, ContactRole::Contact);
        }
        row.mentor
            .name
            .clone()
            .map(|name| self.upsert_contact(orgs.host, &name, &row.mentor, ContactRole::Mentor))
    }

    /// The row's result of the learner in the unit, or, when it gives none,
    /// the unit as a target of the learner's mobility.
    fn add_row_result(
        &mut self,
        row: &mut RowRecord,
        learner: usize,
        unit: usize,
        mobility: Option<usize>,
        origin: Origin,
    ) {
        let has_result =
            !row.result.is_empty() || row.rating.is_some() || row.assessor.name.is_some();
        let planned = std::mem::take(&mut row.planned);
        if !has_result || !planned.is_empty() {
            // A learner and a unit without a result, or with what is planned
            // for it: the mobility targets the unit.
            self.targets.push(Target {
                learner,
                unit,
                mobility,
                planned: (!planned.is_empty()).then_some((planned, origin)),
            });
        }
        if has_result {
            let part = std::mem::take(&mut row.result);
            let assessor = std::mem::take(&mut row.assessor);
            let r = self.upsert_result(learner, unit, mobility, part, assessor, origin);
            if let Some(rating) = row.rating.take() {
                self.results[r].part.criteria.push(rating);
            }
        }
    }
}

/// The values of an organisation part that names no organisation, as
/// `host.country`-style keys, so they can be kept among unmapped values.
fn orphan_values(what: &str, part: &OrganisationPart) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            out.push((format!("{what}.{name}"), v.to_string()));
        }
    };
    push("country", part.country.as_ref().map(|c| c.as_str()));
    push("address", part.address.as_deref());
    push("phone", part.phone.as_deref());
    push("email", part.email.as_deref());
    push("website", part.website.as_deref());
    push("contact_name", part.contact.name.as_deref());
    push("contact_position", part.contact.position.texts().next());
    push("contact_email", part.contact.email.as_deref());
    push("contact_phone", part.contact.phone.as_deref());
    out
}

/// Adds a row's unmapped values to a record; a header already holding a
/// different value gets the row number appended, so nothing is overwritten.
fn attach(
    target: &mut Unmapped,
    values: Vec<(String, String)>,
    origin: Origin,
    sheets: &[SheetInfo],
) {
    for (header, value) in values {
        match target.get(&header) {
            None => {
                target.insert(header, value);
            }
            Some(old) if *old == value => {}
            Some(_) => {
                let info = &sheets[origin.sheet as usize];
                target.insert(
                    format!("{header} ({} row {})", info.sheet, origin.row),
                    value,
                );
            }
        }
    }
}
