//! Numbers as schools type them: decimal commas, spaces, units after the number.

use super::Problem;
use crate::diagnostics::Code;
use crate::import::CellValue;

/// Reads a number: a numeric cell, or text like `7,5`, `7.5`, `1 234,5`,
/// `3 ECVET`, `4 nedēļas` (the words after the number are ignored).
pub fn number(value: &CellValue<'_>) -> Option<f64> {
    match value {
        CellValue::Number(n) => Some(*n),
        CellValue::Text(t) => number_in_text(t),
        _ => None,
    }
}

fn number_in_text(t: &str) -> Option<f64> {
    let t = t.trim();
    // Most cells hold a plain whole number: read without copying it.
    if !t.is_empty() && t.len() <= 15 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().ok().map(|n| n as f64);
    }
    let mut digits = String::new();
    let mut seen_digit = false;
    for (i, c) in t.char_indices() {
        match c {
            '0'..='9' => {
                digits.push(c);
                seen_digit = true;
            }
            '-' | '−' if !seen_digit && digits.is_empty() => digits.push('-'),
            '+' if !seen_digit && digits.is_empty() => {}
            ',' | '.' if seen_digit => {
                let next = t[i + c.len_utf8()..].chars().next();
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    digits.push('.');
                } else {
                    break;
                }
            }
            ' ' | '\u{a0}' | '\u{202f}' if seen_digit => {
                // A thousands space only when digits follow.
                let next = t[i + c.len_utf8()..].chars().next();
                if !next.is_some_and(|n| n.is_ascii_digit()) {
                    break;
                }
            }
            _ if !seen_digit && c.is_whitespace() => {}
            _ => {
                if seen_digit {
                    break;
                }
                return None;
            }
        }
    }
    if !seen_digit || digits.matches('.').count() > 1 {
        return None;
    }
    digits.parse().ok()
}

/// Reads credit points: a non-negative number, decimal commas allowed.
pub fn credit_value(value: &CellValue<'_>) -> Result<f64, Problem> {
    let raw = value.text();
    let n = number(value).ok_or_else(|| {
        Problem::error(
            Code::InvalidCreditPoints,
            format!("'{}' is not a number of credit points", raw.trim()),
            "write the points as a number, e.g. 3 or 2,5",
        )
    })?;
    if n < 0.0 {
        return Err(Problem::error(
            Code::NegativeCreditPoints,
            format!("credit points cannot be negative ({raw})"),
            "write the number of points without a minus sign",
        ));
    }
    Ok(n)
}

/// Reads a duration in weeks.
pub fn weeks(value: &CellValue<'_>) -> Result<f64, Problem> {
    let raw = value.text();
    match number(value) {
        Some(n) if n > 0.0 => Ok(n),
        _ => Err(Problem::error(
            Code::InvalidNumber,
            format!("'{}' is not a number of weeks", raw.trim()),
            "write the duration as a number of weeks, e.g. 4",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_commas_and_units_are_understood() {
        let n = |s| number(&CellValue::Text(s));
        assert_eq!(n("2,5"), Some(2.5));
        assert_eq!(n("2.5"), Some(2.5));
        assert_eq!(n(" 3 ECVET"), Some(3.0));
        assert_eq!(n("4 nedēļas"), Some(4.0));
        assert_eq!(n("1 234,5"), Some(1234.5));
        assert_eq!(n("-2"), Some(-2.0));
        assert_eq!(n("trīs"), None);
        assert_eq!(n(""), None);
        // Plain whole numbers, read directly.
        assert_eq!(n(" 7 "), Some(7.0));
        assert_eq!(n("007"), Some(7.0));
        assert_eq!(n("123456789012345"), Some(123_456_789_012_345.0));
        assert_eq!(n("1234567890123456"), Some(1_234_567_890_123_456.0));
    }

    #[test]
    fn negative_points_are_errors() {
        assert_eq!(
            credit_value(&CellValue::Text("-3")).unwrap_err().code,
            Code::NegativeCreditPoints
        );
        assert_eq!(credit_value(&CellValue::Number(2.5)).unwrap(), 2.5);
    }
}
