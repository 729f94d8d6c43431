//! Times as the reader's language writes them, in the reader's time zone. The browser's `Intl`
//! formats them, so no calendar or locale data has to come with the download.

use chrono::{DateTime, Utc};
use js_sys::Date;
use js_sys::Intl::{DateTimeFormatOptions, DateTimeStyle};
use wasm_bindgen::JsValue;

use crate::i18n::{Key, Lang};

fn js_date(t: DateTime<Utc>) -> Date {
    Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
}

/// A day, e.g. "Mar 1, 2026" or "2026年3月1日".
pub fn day(t: DateTime<Utc>, lang: Lang) -> String {
    let options = DateTimeFormatOptions::new();
    options.set_date_style(DateTimeStyle::Medium);
    js_date(t).to_locale_date_string(lang.code(), &options).into()
}

/// A day and the time of day, e.g. "Mar 1, 2026, 2:05 PM".
pub fn day_and_time(t: DateTime<Utc>, lang: Lang) -> String {
    let options = DateTimeFormatOptions::new();
    options.set_date_style(DateTimeStyle::Medium);
    options.set_time_style(DateTimeStyle::Short);
    js_date(t).to_locale_string(lang.code(), &options).into()
}

/// A time of day, e.g. "2:05 PM" or "14:05".
pub fn time_of_day(t: DateTime<Utc>, lang: Lang) -> String {
    let options = DateTimeFormatOptions::new();
    options.set_time_style(DateTimeStyle::Short);
    js_date(t).to_locale_time_string_with_options(lang.code(), &options).into()
}

/// How long ago (or how far ahead) `t` is, in the largest unit that fits: "3 days ago",
/// "yesterday", "in 2 hours", "3天前". Beyond a month the day itself says more.
pub fn relative(t: DateTime<Utc>, lang: Lang) -> String {
    let seconds = (t - now()).num_seconds();
    let minutes = seconds / 60;
    let (value, unit) = match minutes.abs() {
        0 => return lang.text(Key::JustNow).to_owned(),
        1..60 => (minutes, "minute"),
        60..1440 => (minutes / 60, "hour"),
        1440..43200 => (minutes / 1440, "day"),
        _ => return day(t, lang),
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
    let locales = js_sys::Array::of1(&lang.code().into());
    js_sys::Intl::RelativeTimeFormat::new(&locales, &options).format(value as f64, unit).into()
}

/// What a `datetime-local` field holds for `t` in the reader's time zone: `2026-03-01T14:05`.
pub fn local_input(t: DateTime<Utc>) -> String {
    let d = js_date(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Reads a `datetime-local` field's value as a time in the reader's time zone.
pub fn parse_local_input(text: &str) -> Option<DateTime<Utc>> {
    let (date, time) = text.trim().split_once('T')?;
    let day = Day::parse(date)?;
    let (h, m) = time.split_once(':')?;
    let (h, m) = (h.parse::<i32>().ok()?, m.get(..2).unwrap_or(m).parse::<i32>().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    let month = i32::try_from(day.month).ok()? - 1;
    let d = Date::new_with_year_month_day_hr_min(day.year, month, i32::try_from(day.day).ok()?, h, m);
    DateTime::from_timestamp_millis(d.get_time() as i64)
}

/// Tomorrow at 9 in the morning, in the reader's time zone: when a follow-up is usually due.
pub fn tomorrow_morning() -> DateTime<Utc> {
    let d = Date::new_0();
    let next =
        Date::new_with_year_month_day_hr_min(d.get_full_year(), d.get_month() as i32, d.get_date() as i32 + 1, 9, 0);
    DateTime::from_timestamp_millis(next.get_time() as i64).unwrap_or_else(now)
}

/// The browser's clock: the standard library has none on wasm32.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Date::now() as i64).unwrap_or_default()
}

/// Today in the reader's time zone.
pub fn today() -> Day {
    let now = Date::new_0();
    Day { year: now.get_full_year(), month: now.get_month() + 1, day: now.get_date() }
}

/// A calendar day, as a date field holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: u32,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// Reads a date field's value, `YYYY-MM-DD`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.trim().splitn(3, '-').map(|p| p.parse::<u32>().ok());
        let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
        let valid = (1..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day);
        valid.then_some(Day { year, month, day })
    }

    /// `YYYY-MM-DD`, what a date field takes.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The last second of the day in the reader's time zone, so that something that ends on a
    /// day lasts through it wherever the reader is. `None` for a day the calendar lacks (31 April).
    pub fn end(self) -> Option<DateTime<Utc>> {
        let month = i32::try_from(self.month).ok()? - 1;
        let day = i32::try_from(self.day).ok()?;
        let end = Date::new_with_year_month_day_hr_min_sec(self.year, month, day, 23, 59, 59);
        // The browser rolls 31 April over into May rather than refusing it.
        if end.get_date() != self.day || end.get_month() + 1 != self.month {
            return None;
        }
        DateTime::from_timestamp_millis(end.get_time() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::Day;

    #[test]
    fn date_fields_are_read_strictly() {
        assert_eq!(Day::parse("2026-03-01"), Some(Day { year: 2026, month: 3, day: 1 }));
        assert_eq!(Day::parse("2026-3-1").map(Day::iso).as_deref(), Some("2026-03-01"));
        assert_eq!(Day::parse(""), None);
        assert_eq!(Day::parse("2026-13-01"), None);
        assert_eq!(Day::parse("2026-02-00"), None);
        assert_eq!(Day::parse("01/03/2026"), None);
        assert!(Day::parse("2026-01-31") < Day::parse("2026-02-01"));
    }
}
