//! Turning a written grade into a [`Grade`] on one known scheme.
//!
//! A grade is read against exactly one scheme, chosen by a column, the
//! mapping file or the school's country; it is never matched against
//! "whichever scale fits".

use super::normalise::{Problem, number};
use crate::diagnostics::Code;
use crate::import::CellValue;
use crate::model::{Grade, GradingScheme, Scale};
use crate::schemes::SchemeRegistry;
use crate::text::fold;

/// Reading a cell as a grade on a scheme of the registry.
pub trait ReadGrade {
    /// Reads a grade on the scheme `scheme_id` (which must be known).
    fn grade(&self, scheme_id: &str, value: &CellValue<'_>) -> Result<Grade, Problem>;
}

impl ReadGrade for SchemeRegistry {
    fn grade(&self, scheme_id: &str, value: &CellValue<'_>) -> Result<Grade, Problem> {
        let scheme = self
            .by_id(scheme_id)
            .expect("grade() is called with a known scheme");
        let raw = value.text();
        let raw = raw.trim();
        let found = self
            .word(scheme_id, raw)
            .map(str::to_string)
            .or_else(|| match &scheme.scale {
                Scale::Numeric { .. } => number(value)
                    .filter(|n| n.fract() == 0.0)
                    .map(|n| (n as i64).to_string())
                    .filter(|v| scheme.contains(v)),
                Scale::Ordered { labels, .. } => labels
                    .iter()
                    .find(|l| fold(&l.value) == fold(raw))
                    .map(|l| l.value.clone()),
                Scale::Described { .. } => Some(raw.to_string()),
            });
        match found {
            Some(v) => Ok(Grade {
                value: v,
                scheme: scheme.id.clone(),
            }),
            None => Err(Problem::error(
                Code::InvalidGrade,
                format!(
                    "'{raw}' is not a grade on {} ({})",
                    scheme.id,
                    describe_values(scheme)
                ),
                "correct the grade, or name the right scale in the grading scheme column",
            )),
        }
    }
}

fn describe_values(scheme: &GradingScheme) -> String {
    match &scheme.scale {
        Scale::Numeric { min, max, .. } => format!("whole numbers {min}–{max}"),
        Scale::Ordered { labels, .. } => labels
            .iter()
            .map(|l| l.value.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
        Scale::Described { .. } => "values its issuer did not define".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_are_read_on_their_scheme_only() {
        let r = SchemeRegistry::shipped();
        assert_eq!(
            r.grade("lv-1-10", &CellValue::Text("7,0")).unwrap().value,
            "7"
        );
        assert_eq!(
            r.grade("fi-1-3", &CellValue::Text("hyvä")).unwrap().value,
            "2"
        );
        assert_eq!(
            r.grade("pass-fail", &CellValue::Text("ieskaitīts"))
                .unwrap()
                .value,
            "pass"
        );
        assert_eq!(
            r.grade("lv-1-10", &CellValue::Number(11.0))
                .unwrap_err()
                .code,
            Code::InvalidGrade
        );
        assert_eq!(
            r.grade("fi-1-3", &CellValue::Text("4")).unwrap_err().code,
            Code::InvalidGrade
        );
    }
}
