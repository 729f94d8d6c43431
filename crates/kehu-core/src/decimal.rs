//! Decimal strings on the wire. Money, quantities and percentages travel as JSON strings
//! (`"19.90"`), never as JSON numbers, which most clients read as binary floats. These helpers,
//! used with `#[serde(deserialize_with = …)]`, accept only a plain decimal string: an optional
//! minus, digits, and optionally a point and more digits. A number, an exponent (`"1e3"`), a
//! plus sign or spaces are refused, and so is a value `rust_decimal` could only hold rounded,
//! since a silently rounded price is worse than a refused one.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};

/// The exact decimal a plain decimal string (`"-12.50"`, `"0"`, `"1500"`) writes, keeping its
/// scale; `None` for anything else or for more digits than a decimal holds exactly.
pub fn parse_plain(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !frac.is_none_or(all_digits) {
        return None;
    }
    let value = Decimal::from_str(text).ok()?;
    // `from_str` rounds fractional digits beyond what fits; a smaller scale gives that away.
    let scale = frac.map_or(0, str::len);
    (usize::try_from(value.scale()).ok() == Some(scale)).then_some(value)
}

struct PlainDecimal;

impl Visitor<'_> for PlainDecimal {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal string such as \"19.90\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_plain(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// A required decimal string.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_str(PlainDecimal)
}

/// A decimal string that may be left out but not `null` (with `#[serde(default)]`): for a patch
/// of a field that cannot be cleared.
pub fn some_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    string(d).map(Some)
}

/// A decimal string or `null`.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    struct Nullable;
    impl<'de> Visitor<'de> for Nullable {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal string such as \"19.90\", or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            string(d).map(Some)
        }
    }
    d.deserialize_option(Nullable)
}

/// A merge-patch field (see [`crate::patch::present`]): absent is `None` (with
/// `#[serde(default)]`), `null` is `Some(None)`, a decimal string `Some(Some(value))`.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Decimal>>, D::Error> {
    optional(d).map(Some)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde::Deserialize;

    use super::*;

    #[test]
    fn only_plain_decimal_strings_parse() {
        for (text, shown) in [("19.90", "19.90"), ("0", "0"), ("-2.5", "-2.5"), ("1500", "1500"), ("007.10", "7.10")] {
            assert_eq!(parse_plain(text).unwrap().to_string(), shown, "{text}");
        }
        assert_eq!(parse_plain("12345678901.99").unwrap().scale(), 2);
        for bad in ["", "-", ".5", "5.", "1e3", "+1", " 1", "1 ", "1,5", "1_000", "0x10", "NaN", "１２"] {
            assert!(parse_plain(bad).is_none(), "{bad:?}");
        }
        // 29 fractional digits do not fit a decimal; rounding them would change the value.
        assert!(parse_plain("1.00000000000000000000000000001").is_none());
        assert!(parse_plain("99999999999999999999999999999999").is_none());
    }

    #[derive(Debug, Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "some_string")]
        price: Option<Decimal>,
        #[serde(default, deserialize_with = "present")]
        cost: Option<Option<Decimal>>,
    }

    #[test]
    fn fields_tell_absent_null_and_values_apart() {
        let p: Patch = serde_json::from_str(r#"{"cost": null}"#).unwrap();
        assert_eq!((p.price, p.cost), (None, Some(None)));
        let p: Patch = serde_json::from_str(r#"{"price": "1.50", "cost": "0.3"}"#).unwrap();
        assert_eq!(p.price.unwrap().to_string(), "1.50");
        assert_eq!(p.cost.unwrap().unwrap().to_string(), "0.3");
        let p: Patch = serde_json::from_str("{}").unwrap();
        assert_eq!((p.price, p.cost), (None, None));
        for bad in [r#"{"price": 1.5}"#, r#"{"price": null}"#, r#"{"cost": 2}"#, r#"{"cost": "2e1"}"#] {
            let e = serde_json::from_str::<Patch>(bad).unwrap_err().to_string();
            assert!(e.contains("a decimal string"), "{bad}: {e}");
        }
    }
}
