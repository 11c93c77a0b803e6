//! The canonical fields a column can map to.
//!
//! A mapping file names these fields (`[learner] given_names = […]`); this
//! table says what kind of value each holds, which decides its normaliser,
//! and documents it for `mappings/README.md` and the template workbook.

/// What kind of value a field holds, and so how a cell is normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// One line of text (names): spaces collapsed.
    Line,
    /// Free text in the workbook's language; `@lang` variants allowed.
    Text,
    /// An identifier kept exactly (leading zeros kept, whole numbers without `.0`).
    Code,
    /// A date.
    Date,
    /// An EQF level 1–8.
    EqfLevel,
    /// A national framework level.
    NqfLevel,
    /// Credit points (non-negative, decimal commas).
    Points,
    /// A duration in weeks.
    Weeks,
    /// A grade, read on the row's grading scheme.
    Grade,
    /// The name or id of a grading scheme.
    Scheme,
    /// Yes or no.
    YesNo,
    /// Achieved in full, partly or not.
    Achievement,
    /// A country name or code.
    Country,
    /// An e-mail address.
    Email,
    /// A telephone number.
    Phone,
    /// A web address.
    Url,
    /// Gender.
    Gender,
    /// A bullet list of learning outcomes; `@lang` variants allowed.
    Outcomes,
    /// A language name or tag.
    Language,
    /// The role of an organisation.
    OrganisationRole,
}

impl Kind {
    /// Whether the field takes `@lang` variants (`title@en`).
    pub fn is_multilingual(self) -> bool {
        matches!(self, Kind::Text | Kind::Outcomes)
    }
}

/// The record a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// The learner.
    Learner,
    /// The learner's mobility.
    Mobility,
    /// The sending organisation.
    Sending,
    /// The host organisation.
    Host,
    /// The intermediary organisation.
    Intermediary,
    /// The mentor at the host.
    Mentor,
    /// The qualification.
    Qualification,
    /// The unit of learning outcomes.
    Unit,
    /// A unit the mobility plans to cover (the learning agreement's unit).
    Planned,
    /// The assessment result.
    Result,
    /// The assessor.
    Assessor,
    /// One criterion rating (long layout: a row per criterion).
    Rating,
    /// An organisation on an organisations sheet.
    Organisation,
}

impl Entity {
    /// The table name used in mapping files.
    pub fn table(self) -> &'static str {
        match self {
            Entity::Learner => "learner",
            Entity::Mobility => "mobility",
            Entity::Sending => "sending",
            Entity::Host => "host",
            Entity::Intermediary => "intermediary",
            Entity::Mentor => "mentor",
            Entity::Qualification => "qualification",
            Entity::Unit => "unit",
            Entity::Planned => "planned",
            Entity::Result => "result",
            Entity::Assessor => "assessor",
            Entity::Rating => "rating",
            Entity::Organisation => "organisation",
        }
    }

    /// Every entity, in the order of mapping files.
    pub const ALL: &'static [Entity] = &[
        Entity::Learner,
        Entity::Mobility,
        Entity::Sending,
        Entity::Host,
        Entity::Intermediary,
        Entity::Mentor,
        Entity::Qualification,
        Entity::Unit,
        Entity::Planned,
        Entity::Result,
        Entity::Assessor,
        Entity::Rating,
        Entity::Organisation,
    ];
}

macro_rules! fields {
    ($( $variant:ident = $entity:ident . $name:ident : $kind:ident, $doc:literal; )*) => {
        /// A canonical field.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field {
            $( #[doc = $doc] $variant, )*
        }

        impl Field {
            /// Every field, in documentation order.
            pub const ALL: &'static [Field] = &[ $( Field::$variant, )* ];

            /// The record the field belongs to.
            pub fn entity(self) -> Entity {
                match self { $( Field::$variant => Entity::$entity, )* }
            }

            /// The field's name within its table (`given_names`).
            pub fn name(self) -> &'static str {
                match self { $( Field::$variant => stringify!($name), )* }
            }

            /// How its values are normalised.
            pub fn kind(self) -> Kind {
                match self { $( Field::$variant => Kind::$kind, )* }
            }

            /// What the field means.
            pub fn doc(self) -> &'static str {
                match self { $( Field::$variant => $doc, )* }
            }
        }
    };
}

fields! {
    LearnerId = Learner.id: Code, "The school's own learner number; joins sheets when present.";
    LearnerGivenNames = Learner.given_names: Line, "Given name(s).";
    LearnerFamilyName = Learner.family_name: Line, "Family name(s).";
    LearnerFullName = Learner.full_name: Line, "Full name in one cell, \"Given Family\" or \"Family, Given\".";
    LearnerDateOfBirth = Learner.date_of_birth: Date, "Date of birth.";
    LearnerNationality = Learner.nationality: Country, "Nationality (country name or code).";
    LearnerEmail = Learner.email: Email, "E-mail.";
    LearnerPhone = Learner.phone: Phone, "Telephone.";
    LearnerAddress = Learner.address: Line, "Postal address.";
    LearnerNationalId = Learner.national_id: Code, "National personal identifier (e.g. personas kods).";
    LearnerGender = Learner.gender: Gender, "Gender (only if the school records it).";
    LearnerGuardianName = Learner.guardian_name: Line, "Parent or guardian of a minor.";
    LearnerGuardianEmail = Learner.guardian_email: Email, "Guardian's e-mail.";
    LearnerGuardianPhone = Learner.guardian_phone: Phone, "Guardian's telephone.";

    MobilityId = Mobility.id: Code, "Erasmus+ mobility id.";
    MobilityProjectCode = Mobility.project_code: Code, "Erasmus+ project code.";
    MobilityStart = Mobility.start: Date, "First day abroad.";
    MobilityEnd = Mobility.end: Date, "Last day abroad.";
    MobilityDurationWeeks = Mobility.duration_weeks: Weeks, "Duration in weeks.";
    MobilityObjective = Mobility.objective: Text, "Objective of the mobility.";
    MobilityTasks = Mobility.tasks: Text, "Tasks and activities carried out (not competences).";
    MobilityLanguage = Mobility.language: Language, "Working language of the placement.";

    SendingKey = Sending.key: Code, "Key of the sending organisation on the organisations sheet.";
    SendingName = Sending.name: Text, "Name of the sending organisation.";
    SendingCountry = Sending.country: Country, "Country of the sending organisation.";
    SendingAddress = Sending.address: Line, "Address of the sending organisation.";
    SendingPhone = Sending.phone: Phone, "Telephone of the sending organisation.";
    SendingEmail = Sending.email: Email, "E-mail of the sending organisation.";
    SendingWebsite = Sending.website: Url, "Web site of the sending organisation.";
    SendingPic = Sending.pic: Code, "Erasmus+ PIC of the sending organisation.";
    SendingOid = Sending.oid: Code, "Erasmus+ OID of the sending organisation.";
    SendingContactName = Sending.contact_name: Line, "Contact person (coordinator) at the sending organisation.";
    SendingContactPosition = Sending.contact_position: Text, "The contact person's position.";
    SendingContactEmail = Sending.contact_email: Email, "The contact person's e-mail.";
    SendingContactPhone = Sending.contact_phone: Phone, "The contact person's telephone.";

    HostKey = Host.key: Code, "Key of the host organisation on the organisations sheet.";
    HostName = Host.name: Text, "Name of the host organisation.";
    HostCountry = Host.country: Country, "Country of the host organisation.";
    HostAddress = Host.address: Line, "Address of the host organisation.";
    HostPhone = Host.phone: Phone, "Telephone of the host organisation.";
    HostEmail = Host.email: Email, "E-mail of the host organisation.";
    HostWebsite = Host.website: Url, "Web site of the host organisation.";
    HostPic = Host.pic: Code, "Erasmus+ PIC of the host organisation.";
    HostOid = Host.oid: Code, "Erasmus+ OID of the host organisation.";
    HostContactName = Host.contact_name: Line, "Contact person at the host organisation.";
    HostContactPosition = Host.contact_position: Text, "The contact person's position.";
    HostContactEmail = Host.contact_email: Email, "The contact person's e-mail.";
    HostContactPhone = Host.contact_phone: Phone, "The contact person's telephone.";

    IntermediaryKey = Intermediary.key: Code, "Key of the intermediary on the organisations sheet.";
    IntermediaryName = Intermediary.name: Text, "Name of the intermediary organisation.";
    IntermediaryCountry = Intermediary.country: Country, "Country of the intermediary organisation.";

    MentorName = Mentor.name: Line, "Mentor at the host.";
    MentorPosition = Mentor.position: Text, "The mentor's position.";
    MentorEmail = Mentor.email: Email, "The mentor's e-mail.";
    MentorPhone = Mentor.phone: Phone, "The mentor's telephone.";

    QualificationCode = Qualification.code: Code, "National code of the qualification or programme.";
    QualificationTitle = Qualification.title: Text, "Title of the qualification.";
    QualificationCountry = Qualification.country: Country, "Country awarding the qualification.";
    QualificationEqfLevel = Qualification.eqf_level: EqfLevel, "EQF level of the qualification.";
    QualificationNqfLevel = Qualification.nqf_level: NqfLevel, "National level of the qualification.";
    QualificationEcvetPoints = Qualification.ecvet_points: Points, "ECVET points of the whole qualification.";

    UnitCode = Unit.code: Code, "The unit's code (leading zeros kept).";
    UnitTitle = Unit.title: Text, "Title of the unit.";
    UnitAreaOfWork = Unit.area_of_work: Text, "Area of work tasks.";
    UnitDescription = Unit.description: Text, "Description of the unit.";
    UnitEqfLevel = Unit.eqf_level: EqfLevel, "EQF level of the unit.";
    UnitNqfLevel = Unit.nqf_level: NqfLevel, "National level of the unit.";
    UnitEcvetPoints = Unit.ecvet_points: Points, "ECVET points of the unit.";
    UnitNationalPoints = Unit.national_points: Points, "National credit points of the unit.";
    UnitKnowledge = Unit.knowledge: Outcomes, "Knowledge statements, one per line or bullet.";
    UnitSkills = Unit.skills: Outcomes, "Skill statements, one per line or bullet.";
    UnitCompetence = Unit.competence: Outcomes, "Competence (responsibility and autonomy) statements.";
    UnitOutcomes = Unit.outcomes: Outcomes, "Learning outcome statements not sorted into knowledge, skills or competence, one per line or bullet.";

    PlannedEcvetPoints = Planned.ecvet_points: Points, "ECVET points the learner is to acquire abroad in the unit.";
    PlannedActivities = Planned.activities: Text, "Learning activities planned abroad for the unit (tasks, where, with whom).";

    ResultGrade = Result.grade: Grade, "Overall grade for the unit.";
    ResultGradingScheme = Result.grading_scheme: Scheme, "The scale of the grade (e.g. lv-1-10, 1–10, Finnish 1–3).";
    ResultCriteriaScheme = Result.criteria_scheme: Scheme, "The scale of the criteria ratings on this row.";
    ResultPassed = Result.passed: YesNo, "Whether the unit was passed.";
    ResultAchieved = Result.achieved: Achievement, "Achieved in full, partly or not.";
    ResultDate = Result.date: Date, "Date of assessment.";
    ResultMethod = Result.method: Text, "Assessment method.";
    ResultRemarks = Result.remarks: Text, "Remarks of the assessor.";
    ResultDeviations = Result.deviations: Text, "Deviations from the learning agreement.";
    ResultEcvetPoints = Result.ecvet_points: Points, "ECVET points awarded.";

    AssessorName = Assessor.name: Line, "Assessor.";
    AssessorPosition = Assessor.position: Text, "The assessor's position.";
    AssessorEmail = Assessor.email: Email, "The assessor's e-mail.";

    RatingCriterion = Rating.criterion: Text, "A criterion of an assessment grid (one row per criterion).";
    RatingValue = Rating.value: Grade, "The rating given for the criterion.";
    RatingScheme = Rating.scheme: Scheme, "The scale of the rating.";

    OrganisationKey = Organisation.key: Code, "Short key other sheets use to refer to the organisation.";
    OrganisationName = Organisation.name: Text, "Name of the organisation.";
    OrganisationRole = Organisation.role: OrganisationRole, "Sending, host or intermediary.";
    OrganisationCountry = Organisation.country: Country, "Country.";
    OrganisationAddress = Organisation.address: Line, "Postal address.";
    OrganisationPhone = Organisation.phone: Phone, "Telephone.";
    OrganisationEmail = Organisation.email: Email, "E-mail.";
    OrganisationWebsite = Organisation.website: Url, "Web site.";
    OrganisationPic = Organisation.pic: Code, "Erasmus+ PIC.";
    OrganisationOid = Organisation.oid: Code, "Erasmus+ OID.";
    OrganisationContactName = Organisation.contact_name: Line, "Contact person (mentor at a host, coordinator at a school).";
    OrganisationContactPosition = Organisation.contact_position: Text, "The contact person's position.";
    OrganisationContactEmail = Organisation.contact_email: Email, "The contact person's e-mail.";
    OrganisationContactPhone = Organisation.contact_phone: Phone, "The contact person's telephone.";
}

impl Field {
    /// The full path, `learner.given_names`.
    pub fn path(self) -> String {
        format!("{}.{}", self.entity().table(), self.name())
    }

    /// The field with `name` in `entity`'s table.
    pub fn find(entity: Entity, name: &str) -> Option<Field> {
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.entity() == entity && f.name() == name)
    }

    /// The field with a full path like `learner.given_names`.
    pub fn from_path(path: &str) -> Option<Field> {
        let (table, name) = path.split_once('.')?;
        let entity = Entity::ALL.iter().copied().find(|e| e.table() == table)?;
        Field::find(entity, name)
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.entity().table(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_found_by_its_path() {
        for f in Field::ALL {
            assert_eq!(Field::from_path(&f.path()), Some(*f));
        }
    }
}
