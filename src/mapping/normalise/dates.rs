//! Dates as schools write them: Excel serials, `dd.mm.yyyy`, `dd/mm/yyyy`,
//! `yyyy-mm-dd`, ISO date-times.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::Problem;
use crate::diagnostics::Code;
use crate::import::CellValue;

/// How to read a date written with slashes where both parts could be the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first (Europe): 03/04/2025 is 3 April.
    Dmy,
    /// Month first (USA): 03/04/2025 is 4 March.
    Mdy,
}

/// Oldest and newest years accepted: anything else is a typing mistake.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Reads a date. `order` settles `dd/mm` against `mm/dd` when both parts are ≤ 12.
pub fn date(value: &CellValue<'_>, order: Option<DateOrder>) -> Result<NaiveDate, Problem> {
    let d = match value {
        CellValue::DateTime(dt) => dt.date(),
        CellValue::Number(n) => excel_serial(*n).ok_or_else(|| invalid(&value.to_text()))?,
        CellValue::Text(t) => text_date(t.trim(), order)?,
        other => return Err(invalid(&other.to_text())),
    };
    if !YEARS.contains(&d.year()) {
        return Err(Problem::error(
            Code::DateOutOfRange,
            format!(
                "the date {} has year {}, outside {}–{}",
                d,
                d.year(),
                YEARS.start(),
                YEARS.end()
            ),
            "check the year; type the date as dd.mm.yyyy",
        ));
    }
    Ok(d)
}

fn invalid(raw: &str) -> Problem {
    Problem::error(
        Code::InvalidDate,
        format!("'{raw}' is not a date"),
        "write the date as dd.mm.yyyy (e.g. 03.02.2025) or format the cell as a date",
    )
}

/// An Excel serial day number (1900 date system) as a date.
fn excel_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    // Excel counts 1900-02-29, which never existed; serials from 61 on are one day ahead.
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = n.floor() as i64;
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

fn text_date(t: &str, order: Option<DateOrder>) -> Result<NaiveDate, Problem> {
    if t.is_empty() {
        return Err(invalid(t));
    }
    // ISO date or date-time: the date part, once the time is a time.
    let mut pieces = t.splitn(2, ['T', ' ']);
    let iso = pieces.next().unwrap_or(t);
    let time = pieces.next();
    // (Without a dash it cannot be one: most dates are dd.mm.yyyy.)
    if iso.contains('-')
        && let Ok(d) = NaiveDate::parse_from_str(iso, "%Y-%m-%d")
    {
        // `2025-03-03T25:61` is no moment: the date may be as wrong as the time.
        if time.is_some_and(|time| !is_time(time.trim())) {
            return Err(invalid(t));
        }
        return Ok(d);
    }
    // A serial typed as text (CSV exports of date cells formatted as numbers).
    if t.len() == 5
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Some(d) = t.parse::<f64>().ok().and_then(excel_serial)
    {
        return Ok(d);
    }
    let t = t.trim_end_matches('.');
    // Three numbers, in place: every date cell of every row comes here.
    let mut parts = [""; 3];
    let mut count = 0;
    for part in t.split(['.', '/', '-']) {
        if count == parts.len() {
            return Err(invalid(t));
        }
        parts[count] = part.trim();
        count += 1;
    }
    if count != parts.len()
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(t));
    }
    let nums: [u32; 3] = parts.map(|p| p.parse().unwrap_or(0));
    let sep_slash = t.contains('/');
    // yyyy.mm.dd or yyyy/mm/dd
    if parts[0].len() == 4 {
        return on_calendar(t, nums[0] as i32, nums[1], nums[2]);
    }
    let year = match parts[2].len() {
        4 => nums[2] as i32,
        2 => 2000 + nums[2] as i32,
        _ => return Err(invalid(t)),
    };
    let (a, b) = (nums[0], nums[1]);
    let dmy = || on_calendar(t, year, b, a);
    let mdy = || on_calendar(t, year, a, b);
    if !sep_slash {
        // Dots and dashes with the year last are day-first everywhere we serve.
        return dmy();
    }
    match order {
        Some(DateOrder::Dmy) => dmy(),
        Some(DateOrder::Mdy) => mdy(),
        None if a > 12 && b <= 12 => dmy(),
        None if b > 12 && a <= 12 => mdy(),
        None if a == b => dmy(),
        None => Err(Problem::error(
            Code::AmbiguousDate,
            format!(
                "'{t}' could be {} (day/month) or {} (month/day)",
                fmt(ymd(year, b, a)),
                fmt(ymd(year, a, b))
            ),
            "set date_order = \"dmy\" or \"mdy\" in the mapping file, or write the date as dd.mm.yyyy",
        )),
    }
}

/// Whether `t` is a time of day as ISO 8601 writes it after a date:
/// `10:30`, `10:30:00`, with a fraction and a zone (`Z`, `+02:00`) or not.
fn is_time(t: &str) -> bool {
    let t = t.strip_suffix('Z').unwrap_or(t);
    let t = match t.rfind(['+', '-']) {
        Some(at) if chrono::NaiveTime::parse_from_str(&t[at + 1..], "%H:%M").is_ok() => &t[..at],
        _ => t,
    };
    let t = t.split_once('.').map_or(t, |(whole, _)| whole);
    ["%H:%M:%S", "%H:%M"]
        .iter()
        .any(|f| chrono::NaiveTime::parse_from_str(t, f).is_ok())
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The day `day` of `month` in `year`, or what makes it no day of the
/// calendar: a person who typed `31.04.2025` knows the format and needs to
/// hear that April has 30 days, not how to write a date.
fn on_calendar(raw: &str, year: i32, month: u32, day: u32) -> Result<NaiveDate, Problem> {
    if let Some(d) = ymd(year, month, day) {
        return Ok(d);
    }
    let fix =
        "check the day and the month: the date is written the right way but is on no calendar";
    let message = match month {
        1..=12 => {
            let name = MONTHS[month as usize - 1];
            let days = days_in_month(year, month);
            if day == 0 {
                format!("'{raw}' has day 0; days are counted from 1")
            } else if month == 2 && day == 29 {
                format!("'{raw}': {year} is not a leap year, so February has 28 days")
            } else {
                format!("'{raw}': {name} has {days} days, so there is no {day} {name}")
            }
        }
        _ => format!("'{raw}' has month {month}; months are 1 to 12"),
    };
    Err(Problem::error(Code::InvalidDate, message, fix))
}

/// How many days `month` (1–12) of `year` has.
fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|d| ymd(year, month, *d).is_some())
        .unwrap_or(28)
}

fn fmt(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "invalid".into(), |d| d.format("%d %B %Y").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(s: &str, order: Option<DateOrder>) -> Result<NaiveDate, Problem> {
        date(&CellValue::Text(s), order)
    }

    #[test]
    fn a_date_time_with_an_impossible_time_is_an_error() {
        for bad in [
            "2025-03-03T25:61",
            "2025-03-03 24:00:01",
            "2025-03-03T10:61:00Z",
            "2025-03-03Tnoon",
        ] {
            assert!(text(bad, None).is_err(), "{bad}");
        }
        for good in [
            "2025-03-03T10:30",
            "2025-03-03 23:59:59",
            "2025-03-03T10:30:00.123+02:00",
            "2025-03-03T00:00:00Z",
        ] {
            assert_eq!(text(good, None).unwrap(), d(2025, 3, 3), "{good}");
        }
    }

    #[test]
    fn every_written_form_reads_the_same_day() {
        for s in [
            "03.02.2025",
            "3.2.2025",
            "2025-02-03",
            "2025-02-03T00:00:00",
            "03.02.2025.",
        ] {
            assert_eq!(text(s, None).unwrap(), d(2025, 2, 3), "{s}");
        }
        assert_eq!(
            text("03/02/2025", Some(DateOrder::Dmy)).unwrap(),
            d(2025, 2, 3)
        );
        assert_eq!(
            text("02/03/2025", Some(DateOrder::Mdy)).unwrap(),
            d(2025, 2, 3)
        );
    }

    #[test]
    fn excel_serials_become_dates() {
        assert_eq!(
            date(&CellValue::Number(45691.0), None).unwrap(),
            d(2025, 2, 3)
        );
        assert_eq!(text("45691", None).unwrap(), d(2025, 2, 3));
    }

    #[test]
    fn ambiguous_slash_dates_are_errors_without_an_order() {
        let p = text("03/04/2025", None).unwrap_err();
        assert_eq!(p.code, Code::AmbiguousDate);
        assert!(p.message.contains("03 April 2025") && p.message.contains("04 March 2025"));
    }

    #[test]
    fn unambiguous_slash_dates_need_no_order() {
        assert_eq!(text("13/04/2025", None).unwrap(), d(2025, 4, 13));
        assert_eq!(text("04/13/2025", None).unwrap(), d(2025, 4, 13));
    }

    #[test]
    fn a_day_the_month_does_not_have_is_named_with_the_months_length() {
        let p = text("31.04.2025", None).unwrap_err();
        assert_eq!(p.code, Code::InvalidDate);
        assert!(p.message.contains("April has 30 days"), "{}", p.message);
        assert!(!p.hint.unwrap().contains("dd.mm.yyyy"));
        let p = text("2025-04-31", None).unwrap_err();
        assert!(p.message.contains("April has 30 days"), "{}", p.message);
        let p = text("29.02.2025", None).unwrap_err();
        assert!(
            p.message.contains("2025 is not a leap year"),
            "{}",
            p.message
        );
        assert_eq!(text("29.02.2024", None).unwrap(), d(2024, 2, 29));
        let p = text("12.13.2025", None).unwrap_err();
        assert!(p.message.contains("month 13"), "{}", p.message);
        let p = text("00.05.2025", None).unwrap_err();
        assert!(p.message.contains("day 0"), "{}", p.message);
    }

    #[test]
    fn impossible_and_far_dates_are_errors() {
        assert_eq!(
            text("31.02.2025", None).unwrap_err().code,
            Code::InvalidDate
        );
        assert_eq!(
            text("01.01.9999", None).unwrap_err().code,
            Code::DateOutOfRange
        );
        assert_eq!(text("next week", None).unwrap_err().code, Code::InvalidDate);
    }
}
