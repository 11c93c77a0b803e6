//! Qualification levels: EQF 1–8 and national framework levels, written as
//! `4`, `IV`, `EQF 4`, `EKI 4. līmenis`, `Level 4`, `taso 4`, `Niveau 4`.

use super::Problem;
use crate::diagnostics::Code;
use crate::import::CellValue;
use crate::model::{EqfLevel, NqfLevel};

/// Reads an EQF level and checks it is within 1–8.
pub fn eqf_level(value: &CellValue<'_>) -> Result<EqfLevel, Problem> {
    let raw = value.text();
    let n = level_number(value).ok_or_else(|| {
        Problem::error(
            Code::InvalidEqfLevel,
            format!("'{}' is not an EQF level", raw.trim()),
            "write the level as a number from 1 to 8 (e.g. 4)",
        )
    })?;
    u8::try_from(n)
        .ok()
        .and_then(EqfLevel::new)
        .ok_or_else(|| {
            Problem::error(
                Code::EqfLevelOutOfRange,
                format!("EQF level {n} is outside 1–8"),
                "the European Qualifications Framework has levels 1 to 8; VET qualifications are usually 2–5",
            )
        })
}

/// Reads a national framework level; `framework` names the framework (the
/// country's code) and levels outside 1–8 are flagged like EQF levels.
pub fn nqf_level(value: &CellValue<'_>, framework: Option<&str>) -> Result<NqfLevel, Problem> {
    let raw = value.text();
    let n = level_number(value).ok_or_else(|| {
        Problem::error(
            Code::InvalidNqfLevel,
            format!("'{}' is not a national qualification level", raw.trim()),
            "write the level as a number (e.g. 3)",
        )
    })?;
    if !(1..=8).contains(&n) {
        return Err(Problem::error(
            Code::InvalidNqfLevel,
            format!("national level {n} is outside 1–8"),
            "national frameworks in Europe use levels 1 to 8",
        ));
    }
    Ok(NqfLevel {
        level: n.to_string(),
        framework: framework.map(str::to_string),
    })
}

/// The level number in a cell: a whole number, or the first number or Roman
/// numeral in a text.
fn level_number(value: &CellValue<'_>) -> Option<i64> {
    match value {
        CellValue::Number(n) if n.fract() == 0.0 => Some(*n as i64),
        CellValue::Text(t) => level_in_text(t),
        _ => None,
    }
}

fn level_in_text(t: &str) -> Option<i64> {
    let t = t.trim();
    // The first run of digits, unless it is part of a decimal like 4,5.
    let bytes = t.as_bytes();
    if let Some(start) = bytes.iter().position(u8::is_ascii_digit) {
        let end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |p| start + p);
        let after = &t[end..];
        let decimal = (after.starts_with(',') || after.starts_with('.'))
            && after[1..].starts_with(|c: char| c.is_ascii_digit());
        if decimal {
            return None;
        }
        return t[start..end].parse().ok();
    }
    t.split(|c: char| !c.is_alphanumeric()).find_map(roman)
}

fn roman(word: &str) -> Option<i64> {
    Some(match word {
        "I" => 1,
        "II" => 2,
        "III" => 3,
        "IV" => 4,
        "V" => 5,
        "VI" => 6,
        "VII" => 7,
        "VIII" => 8,
        "IX" => 9,
        "X" => 10,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_of_level_four_reads_as_four() {
        for s in [
            "4",
            "IV",
            "EQF 4",
            "EQF-4",
            "4. līmenis",
            "EKI 4. līmenis",
            "Level 4",
            "taso 4",
            "Niveau IV",
        ] {
            assert_eq!(eqf_level(&CellValue::Text(s)).unwrap().get(), 4, "{s}");
        }
        assert_eq!(eqf_level(&CellValue::Number(4.0)).unwrap().get(), 4);
    }

    #[test]
    fn levels_outside_one_to_eight_are_errors() {
        assert_eq!(
            eqf_level(&CellValue::Text("9")).unwrap_err().code,
            Code::EqfLevelOutOfRange
        );
        assert_eq!(
            eqf_level(&CellValue::Number(0.0)).unwrap_err().code,
            Code::EqfLevelOutOfRange
        );
        assert_eq!(
            eqf_level(&CellValue::Text("IX")).unwrap_err().code,
            Code::EqfLevelOutOfRange
        );
    }

    #[test]
    fn words_and_decimals_are_not_levels() {
        assert_eq!(
            eqf_level(&CellValue::Text("augsts")).unwrap_err().code,
            Code::InvalidEqfLevel
        );
        assert_eq!(
            eqf_level(&CellValue::Text("4,5")).unwrap_err().code,
            Code::InvalidEqfLevel
        );
    }

    #[test]
    fn national_levels_keep_their_framework() {
        let l = nqf_level(&CellValue::Text("LKI 3"), Some("LV")).unwrap();
        assert_eq!(
            (l.level.as_str(), l.framework.as_deref()),
            ("3", Some("LV"))
        );
    }
}
