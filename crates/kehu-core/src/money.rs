//! Exact money math, shared by the server (saving quotes and purchases) and the web app (live totals
//! in the quote editor), so both arrive at the same cents. Everything is `rust_decimal`, which is
//! integer arithmetic and gives the same digits on x86_64 and wasm32; there are no floats here.
//!
//! The rules, from the API contract, for a currency with `e` minor-unit digits:
//!
//! - `gross = quantity × unit_price`, not rounded;
//! - a line's `net_amount = round(gross × (1 − discount_percent / 100))`,
//!   `tax_amount = round(net_amount × tax_rate_percent / 100)`, `total_amount = net + tax`;
//! - a document's `subtotal = Σ round(gross)`, `discount_total = subtotal − Σ net`,
//!   `tax_total = Σ tax`, `total = Σ net + tax_total`;
//!
//! where `round` is half-up (away from zero at the midpoint) to `e` decimals, and every amount
//! carries exactly `e` decimals, so `0` in CNY is `"0.00"` and in JPY `"0"`.
//!
//! Money and quantities are stored as `BIGINT` fixed-point × 10⁴ on both databases: see
//! [`to_fixed4`] and [`from_fixed4`].

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::validate::Errors;

/// Decimals a quantity or a percentage may have; also the scale of the stored fixed-point values.
pub const MAX_INPUT_DECIMALS: u32 = 4;

/// Scale of the stored fixed-point integers: a stored `1` is `0.0001`.
pub const FIXED4_SCALE: u32 = 4;

/// An ISO 4217 currency that Kehu knows, with its minor-unit exponent (digits after the point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

impl Currency {
    /// The currencies Kehu accepts, sorted by code. The exponents are ISO 4217's, which is not
    /// always what people use in cash: TWD and IDR have 2 though coins below 1 are rare, UGX and
    /// ISK have 0. A code missing here is refused rather than guessed as 2, because a wrong
    /// exponent silently misprices every line.
    pub const ALL: &'static [Currency] = &[
        Currency::new("AED", 2),
        Currency::new("ARS", 2),
        Currency::new("AUD", 2),
        Currency::new("BDT", 2),
        Currency::new("BHD", 3),
        Currency::new("BIF", 0),
        Currency::new("BRL", 2),
        Currency::new("CAD", 2),
        Currency::new("CHF", 2),
        Currency::new("CLP", 0),
        Currency::new("CNY", 2),
        Currency::new("COP", 2),
        Currency::new("CZK", 2),
        Currency::new("DJF", 0),
        Currency::new("DKK", 2),
        Currency::new("EGP", 2),
        Currency::new("EUR", 2),
        Currency::new("GBP", 2),
        Currency::new("GNF", 0),
        Currency::new("HKD", 2),
        Currency::new("HUF", 2),
        Currency::new("IDR", 2),
        Currency::new("ILS", 2),
        Currency::new("INR", 2),
        Currency::new("IQD", 3),
        Currency::new("ISK", 0),
        Currency::new("JOD", 3),
        Currency::new("JPY", 0),
        Currency::new("KES", 2),
        Currency::new("KHR", 2),
        Currency::new("KMF", 0),
        Currency::new("KRW", 0),
        Currency::new("KWD", 3),
        Currency::new("KZT", 2),
        Currency::new("LKR", 2),
        Currency::new("LYD", 3),
        Currency::new("MAD", 2),
        Currency::new("MNT", 2),
        Currency::new("MOP", 2),
        Currency::new("MXN", 2),
        Currency::new("MYR", 2),
        Currency::new("NGN", 2),
        Currency::new("NOK", 2),
        Currency::new("NZD", 2),
        Currency::new("OMR", 3),
        Currency::new("PEN", 2),
        Currency::new("PHP", 2),
        Currency::new("PKR", 2),
        Currency::new("PLN", 2),
        Currency::new("PYG", 0),
        Currency::new("QAR", 2),
        Currency::new("RON", 2),
        Currency::new("RUB", 2),
        Currency::new("RWF", 0),
        Currency::new("SAR", 2),
        Currency::new("SEK", 2),
        Currency::new("SGD", 2),
        Currency::new("THB", 2),
        Currency::new("TND", 3),
        Currency::new("TRY", 2),
        Currency::new("TWD", 2),
        Currency::new("UAH", 2),
        Currency::new("UGX", 0),
        Currency::new("USD", 2),
        Currency::new("UYU", 2),
        Currency::new("VND", 0),
        Currency::new("VUV", 0),
        Currency::new("XAF", 0),
        Currency::new("XOF", 0),
        Currency::new("XPF", 0),
        Currency::new("ZAR", 2),
    ];

    const fn new(code: &'static str, exponent: u32) -> Self {
        Self { code, exponent }
    }

    /// The currency of an uppercase ISO 4217 code such as `"CNY"`; lowercase is not accepted,
    /// so the code stored is always the canonical one.
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        Self::ALL
            .binary_search_by(|c| c.code.cmp(code))
            .map(|i| Self::ALL[i])
            .map_err(|_| MoneyError::UnknownCurrency(code.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    /// Digits after the point: 2 for CNY, 0 for JPY, 3 for KWD.
    pub fn exponent(self) -> u32 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// The minor-unit exponent of an ISO 4217 code, or `None` for a code Kehu does not know.
pub fn minor_units(code: &str) -> Option<u32> {
    Currency::parse(code).ok().map(Currency::exponent)
}

/// Why a money computation or conversion has no exact answer. [`MoneyError::code`] is the
/// snake_case code to report it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Not an ISO 4217 code in [`Currency::ALL`]. Code `unknown_currency`.
    UnknownCurrency(String),
    /// A product or sum does not fit a 96-bit decimal exactly. `rust_decimal` would round it
    /// quietly; we refuse instead, since the server and the browser must agree to the cent.
    /// Code `too_large`.
    Overflow,
    /// The value has more decimals than `max`. Code `too_many_decimals`.
    TooManyDecimals { max: u32 },
    /// The value does not fit the stored `BIGINT` × 10⁴ (about ±9.2 × 10¹⁴). Code `too_large`.
    OutOfRange,
}

impl MoneyError {
    /// The field-error code for this failure, for the API's 422 and the web app's messages.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownCurrency(_) => "unknown_currency",
            Self::Overflow | Self::OutOfRange => "too_large",
            Self::TooManyDecimals { .. } => "too_many_decimals",
        }
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownCurrency(code) => write!(f, "unknown currency {code:?}"),
            Self::Overflow => f.write_str("amount is too large to compute exactly"),
            Self::TooManyDecimals { max } => write!(f, "must have at most {max} decimals"),
            Self::OutOfRange => f.write_str("amount is too large to store"),
        }
    }
}

impl std::error::Error for MoneyError {}

/// Rounds half-up (away from zero at the midpoint: 2.345 → 2.35, −2.345 → −2.35) to `exponent`
/// decimals, and pads so the result has exactly `exponent` decimals (0 → `0.00`); a zero never
/// keeps a minus sign, so −0.001 shows as `0.00`.
///
/// Half-up rather than banker's rounding because that is what invoices and people expect. Only
/// a value within about 10²⁸⁻ᵉˣᵖᵒⁿᵉⁿᵗ can carry all the padding; [`line_amounts`] and
/// [`totals`] check that, this does not.
pub fn round_money(value: Decimal, exponent: u32) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(exponent, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(exponent);
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    rounded
}

/// [`round_money`] that fails rather than return fewer than `exponent` decimals.
fn round_checked(value: Decimal, exponent: u32) -> Result<Decimal, MoneyError> {
    let rounded = round_money(value, exponent);
    if rounded.scale() == exponent { Ok(rounded) } else { Err(MoneyError::Overflow) }
}

/// An exact product. `checked_mul` only fails when the integer part overflows; when the product
/// merely has too many digits it rounds (half-even) to fit, which shows as a smaller scale, so
/// that is refused too. Trailing zeros are dropped first so `19.9900` has the same range as
/// `19.99`.
fn mul(a: Decimal, b: Decimal) -> Result<Decimal, MoneyError> {
    let (a, b) = (a.normalize(), b.normalize());
    if a.is_zero() || b.is_zero() {
        return Ok(Decimal::ZERO);
    }
    // A product too small for 28 decimals comes back as zero, also with a smaller scale.
    let product = a.checked_mul(b).ok_or(MoneyError::Overflow)?;
    if product.scale() == a.scale() + b.scale() { Ok(product) } else { Err(MoneyError::Overflow) }
}

/// An exact sum of two amounts of scale `exponent` (a sum that overflows would lose a decimal).
fn add(a: Decimal, b: Decimal, exponent: u32) -> Result<Decimal, MoneyError> {
    let sum = a.checked_add(b).ok_or(MoneyError::Overflow)?;
    if sum.scale() == exponent { Ok(sum) } else { Err(MoneyError::Overflow) }
}

/// An exact difference of two amounts of scale `exponent`.
fn sub(a: Decimal, b: Decimal, exponent: u32) -> Result<Decimal, MoneyError> {
    let difference = a.checked_sub(b).ok_or(MoneyError::Overflow)?;
    if difference.scale() == exponent { Ok(difference) } else { Err(MoneyError::Overflow) }
}

/// What one line of a quote or purchase says; [`check_line`] says whether it is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// 0–100; `12.5` is 12.5 % off.
    pub discount_percent: Decimal,
    /// 0–100; `13` is 13 % VAT.
    pub tax_rate_percent: Decimal,
}

/// The amounts of one line, each with exactly the currency's decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    /// After the discount, before tax.
    pub net_amount: Decimal,
    pub tax_amount: Decimal,
    /// `net_amount + tax_amount`.
    pub total_amount: Decimal,
}

/// The totals of a document, each with exactly the currency's decimals. They add up:
/// `total = subtotal − discount_total + tax_total`, and `total` is the sum of the lines' totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Σ round(quantity × unit_price): the price before discounts.
    pub subtotal: Decimal,
    /// `subtotal − Σ net_amount`, so rounding differences land here and the totals add up.
    pub discount_total: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
}

/// A line's amounts with its rounded gross, which only the document subtotal needs.
fn line_parts(line: &LineInput, exponent: u32) -> Result<(Decimal, LineAmounts), MoneyError> {
    let hundredth = Decimal::new(1, 2);
    let gross = mul(line.quantity, line.unit_price)?;
    // gross × (100 − d) × 0.01 rather than gross × (1 − d / 100): every step is an exact product.
    let kept = Decimal::ONE_HUNDRED.checked_sub(line.discount_percent).ok_or(MoneyError::Overflow)?;
    let net_amount = round_checked(mul(mul(gross, kept)?, hundredth)?, exponent)?;
    let tax_amount = round_checked(mul(mul(net_amount, line.tax_rate_percent)?, hundredth)?, exponent)?;
    let total_amount = add(net_amount, tax_amount, exponent)?;
    Ok((round_checked(gross, exponent)?, LineAmounts { net_amount, tax_amount, total_amount }))
}

/// The amounts of one line in a currency with `exponent` decimals. It computes whatever it is
/// given (the editor shows live totals of lines still being typed); validity is
/// [`check_line`]'s business.
pub fn line_amounts(line: &LineInput, exponent: u32) -> Result<LineAmounts, MoneyError> {
    line_parts(line, exponent).map(|(_, amounts)| amounts)
}

/// The amounts of every line, in order, and the document's totals. No lines give zero totals.
pub fn totals(lines: &[LineInput], exponent: u32) -> Result<(Vec<LineAmounts>, Totals), MoneyError> {
    let zero = Decimal::new(0, exponent);
    let (mut subtotal, mut net_total, mut tax_total) = (zero, zero, zero);
    let mut amounts = Vec::with_capacity(lines.len());
    for line in lines {
        let (gross, line) = line_parts(line, exponent)?;
        subtotal = add(subtotal, gross, exponent)?;
        net_total = add(net_total, line.net_amount, exponent)?;
        tax_total = add(tax_total, line.tax_amount, exponent)?;
        amounts.push(line);
    }
    let discount_total = sub(subtotal, net_total, exponent)?;
    let total = add(net_total, tax_total, exponent)?;
    Ok((amounts, Totals { subtotal, discount_total, tax_total, total }))
}

/// Decimals a value really has: `19.90` has 1, so trailing zeros never fail a check.
pub fn decimal_places(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// Whether the value fits the stored `BIGINT` × 10⁴; callers have checked it has at most 4
/// decimals. The whole value counts, not only its integer part: 922337203685477.59 does not fit
/// though 922337203685477 does.
fn storable(value: Decimal) -> bool {
    to_fixed4(value).is_ok()
}

/// The currency of a code sent by a client. Code `unknown_currency`.
pub fn check_currency(errors: &mut Errors, pointer: &str, code: &str) -> Option<Currency> {
    let currency = Currency::parse(code).ok();
    if currency.is_none() {
        errors.add(pointer, "unknown_currency", "must be an ISO 4217 code such as CNY");
    }
    currency
}

/// A sum of money in a currency with `exponent` decimals. Codes `too_many_decimals` (e.g. `0.5`
/// in JPY, `1.005` in CNY) and `too_large` (beyond what is stored).
pub fn check_amount(errors: &mut Errors, pointer: &str, value: Decimal, exponent: u32) {
    if decimal_places(value) > exponent {
        errors.add(pointer, "too_many_decimals", format!("must have at most {exponent} decimals in this currency"));
    } else if !storable(value) {
        errors.add(pointer, "too_large", "is too large");
    }
}

/// A unit price: zero (a free item) or more. Codes `negative`, then as [`check_amount`].
pub fn check_unit_price(errors: &mut Errors, pointer: &str, value: Decimal, exponent: u32) {
    if value.is_sign_negative() && !value.is_zero() {
        errors.add(pointer, "negative", "must be 0 or more");
    } else {
        check_amount(errors, pointer, value, exponent);
    }
}

/// A quantity: more than 0, at most 4 decimals (`0.3333` kg). Codes `not_positive`,
/// `too_many_decimals`, `too_large`.
pub fn check_quantity(errors: &mut Errors, pointer: &str, value: Decimal) {
    if value <= Decimal::ZERO {
        errors.add(pointer, "not_positive", "must be more than 0");
    } else if decimal_places(value) > MAX_INPUT_DECIMALS {
        errors.add(pointer, "too_many_decimals", format!("must have at most {MAX_INPUT_DECIMALS} decimals"));
    } else if !storable(value) {
        errors.add(pointer, "too_large", "is too large");
    }
}

/// A discount or tax rate in percent: 0–100 inclusive, at most 4 decimals (`33.3333`). Codes
/// `out_of_range`, `too_many_decimals`.
pub fn check_percent(errors: &mut Errors, pointer: &str, value: Decimal) {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        errors.add(pointer, "out_of_range", "must be between 0 and 100");
    } else if decimal_places(value) > MAX_INPUT_DECIMALS {
        errors.add(pointer, "too_many_decimals", format!("must have at most {MAX_INPUT_DECIMALS} decimals"));
    }
}

/// Every field of a line, reported under `pointer` (e.g. `/lines/0`) + `/quantity`,
/// `/unit_price`, `/discount_percent`, `/tax_rate_percent`.
pub fn check_line(errors: &mut Errors, pointer: &str, line: &LineInput, exponent: u32) {
    check_quantity(errors, &format!("{pointer}/quantity"), line.quantity);
    check_unit_price(errors, &format!("{pointer}/unit_price"), line.unit_price, exponent);
    check_percent(errors, &format!("{pointer}/discount_percent"), line.discount_percent);
    check_percent(errors, &format!("{pointer}/tax_rate_percent"), line.tax_rate_percent);
}

/// The stored form of a money amount or quantity: the value × 10⁴ as an integer, for a `BIGINT`
/// column on both databases (SQLite's `NUMERIC` is a float past 15 digits). Refuses more than 4
/// decimals ([`MoneyError::TooManyDecimals`]) rather than round, and values beyond `i64`
/// ([`MoneyError::OutOfRange`]).
pub fn to_fixed4(value: Decimal) -> Result<i64, MoneyError> {
    let mut scaled = value.normalize();
    if scaled.scale() > FIXED4_SCALE {
        return Err(MoneyError::TooManyDecimals { max: FIXED4_SCALE });
    }
    scaled.rescale(FIXED4_SCALE);
    if scaled.scale() != FIXED4_SCALE {
        return Err(MoneyError::OutOfRange);
    }
    i64::try_from(scaled.mantissa()).map_err(|_| MoneyError::OutOfRange)
}

/// A stored value back as a decimal with 4 decimals (`12345` → `1.2345`).
pub fn from_fixed4(stored: i64) -> Decimal {
    Decimal::new(stored, FIXED4_SCALE)
}

/// A stored money amount as it is shown in a currency with `exponent` decimals (`12300` →
/// `1.23` in CNY). Amounts are checked before they are stored, so there is nothing to round;
/// if there were, it would be rounded half-up.
pub fn from_fixed4_at(stored: i64, exponent: u32) -> Decimal {
    round_money(from_fixed4(stored), exponent)
}

/// A sum of stored amounts (× 10⁴) each multiplied by a whole-number percentage, as the amount
/// it weighs in a currency with `exponent` decimals: Σ amount × percent / 100, rounded half-up
/// once (not once per term), so a column of a pipeline adds up to what its cards say.
pub fn weighted_at(sum_e4_times_percent: i64, exponent: u32) -> Decimal {
    round_money(Decimal::new(sum_e4_times_percent, FIXED4_SCALE + 2), exponent)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;

    use proptest::prelude::*;
    use proptest::test_runner::Config;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn line(q: &str, p: &str, disc: &str, tax: &str) -> LineInput {
        LineInput { quantity: d(q), unit_price: d(p), discount_percent: d(disc), tax_rate_percent: d(tax) }
    }

    fn strings(amounts: &[LineAmounts]) -> Vec<[String; 3]> {
        amounts.iter().map(|a| [a.net_amount, a.tax_amount, a.total_amount].map(|v| v.to_string())).collect()
    }

    fn total_strings(t: &Totals) -> [String; 4] {
        [t.subtotal, t.discount_total, t.tax_total, t.total].map(|v| v.to_string())
    }

    fn codes(errors: &Errors) -> Vec<(&str, &str)> {
        errors.0.iter().map(|e| (e.pointer.as_str(), e.code.as_str())).collect()
    }

    #[test]
    fn weighted_sums_round_once() {
        // 33.33 at 50 % and 0.01 at 50 %: 16.665 + 0.005 = 16.67 (rounding each would give 16.68).
        let sum = 333_300 * 50 + 100 * 50;
        assert_eq!(weighted_at(sum, 2), Decimal::new(1667, 2));
        assert_eq!(weighted_at(1_000_000 * 25, 0), Decimal::from(25));
    }

    #[test]
    fn contract_example_cny() {
        let cny = Currency::parse("CNY").unwrap().exponent();
        let lines = [line("3", "19.99", "12.5", "13"), line("1", "0.05", "0", "6")];
        let (amounts, t) = totals(&lines, cny).unwrap();
        assert_eq!(strings(&amounts), [["52.47", "6.82", "59.29"], ["0.05", "0.00", "0.05"]]);
        assert_eq!(total_strings(&t), ["60.02", "7.50", "6.82", "59.34"]);
        assert_eq!(line_amounts(&lines[0], cny).unwrap(), amounts[0]);
    }

    /// 7 × 1234 = 8638, × 0.85 = 7342.3 → 7342, tax 734.2 → 734;
    /// 1 × 25 = 25, × 0.98 = 24.5 → 25 (half-up), tax 2.5 → 3.
    /// subtotal 8638 + 25 = 8663, Σ net 7367, discount 1296, tax 737, total 8104.
    #[test]
    fn jpy_example() {
        let jpy = Currency::parse("JPY").unwrap().exponent();
        let (amounts, t) = totals(&[line("7", "1234", "15", "10"), line("1", "25", "2", "10")], jpy).unwrap();
        assert_eq!(strings(&amounts), [["7342", "734", "8076"], ["25", "3", "28"]]);
        assert_eq!(total_strings(&t), ["8663", "1296", "737", "8104"]);
    }

    /// 2.5 × 12.345 = 30.8625 (→ 30.863 in the subtotal), × 0.9 = 27.77625 → 27.776,
    /// tax 27.776 × 0.05 = 1.3888 → 1.389; 3 × 0.333 = 0.999, no discount, no tax.
    /// subtotal 31.862, Σ net 28.775, discount 3.087, tax 1.389, total 30.164.
    #[test]
    fn kwd_example() {
        let kwd = Currency::parse("KWD").unwrap().exponent();
        let (amounts, t) = totals(&[line("2.5", "12.345", "10", "5"), line("3", "0.333", "0", "0")], kwd).unwrap();
        assert_eq!(strings(&amounts), [["27.776", "1.389", "29.165"], ["0.999", "0.000", "0.999"]]);
        assert_eq!(total_strings(&t), ["31.862", "3.087", "1.389", "30.164"]);
    }

    #[test]
    fn rounds_half_up_away_from_zero() {
        for (value, exponent, expected) in [
            ("2.345", 2, "2.35"),
            ("2.344", 2, "2.34"),
            ("-2.345", 2, "-2.35"),
            ("-2.344", 2, "-2.34"),
            ("0.5", 0, "1"),
            ("-0.5", 0, "-1"),
            ("1.5", 0, "2"),
            ("2.5", 0, "3"),
            ("0.0005", 3, "0.001"),
            ("2.3449999", 2, "2.34"),
            ("-0.001", 2, "0.00"),
            ("-0.00", 2, "0.00"),
        ] {
            assert_eq!(round_money(d(value), exponent).to_string(), expected, "{value} to {exponent}");
        }
    }

    #[test]
    fn scale_is_always_the_exponent() {
        for exponent in [0, 2, 3] {
            for value in ["0", "7", "0.1", "12.3456789", "-4", "100.000000"] {
                assert_eq!(round_money(d(value), exponent).scale(), exponent, "{value}");
            }
            let (_, t) = totals(&[], exponent).unwrap();
            assert!([t.subtotal, t.discount_total, t.tax_total, t.total].iter().all(|v| v.scale() == exponent));
        }
        assert_eq!(round_money(Decimal::ZERO, 2).to_string(), "0.00");
        assert_eq!(round_money(d("5"), 3).to_string(), "5.000");
    }

    #[test]
    fn currencies() {
        for (code, exponent) in [
            ("CNY", 2),
            ("USD", 2),
            ("EUR", 2),
            ("GBP", 2),
            ("HKD", 2),
            ("TWD", 2),
            ("IDR", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("VND", 0),
            ("CLP", 0),
            ("ISK", 0),
            ("UGX", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("OMR", 3),
            ("JOD", 3),
            ("TND", 3),
        ] {
            assert_eq!(minor_units(code), Some(exponent), "{code}");
        }
        for code in ["AUD", "CAD", "CHF", "SGD", "INR", "RUB", "BRL", "MXN", "SEK", "NOK", "DKK", "PLN", "THB", "MYR"] {
            assert_eq!(minor_units(code), Some(2), "{code}");
        }
        for code in ["PHP", "NZD", "ZAR", "AED", "SAR"] {
            assert_eq!(minor_units(code), Some(2), "{code}");
        }
        // Sorted and unique, which `parse`'s binary search needs.
        assert!(Currency::ALL.windows(2).all(|w| w[0].code < w[1].code));
        assert!(Currency::ALL.iter().all(|c| c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase())));
        assert_eq!(Currency::parse("KWD").unwrap().to_string(), "KWD");
    }

    #[test]
    fn unknown_currency_is_refused() {
        for code in ["XXX", "cny", "", "CN", "CNYY", " CNY", "RMB"] {
            assert_eq!(minor_units(code), None, "{code:?}");
            let err = Currency::parse(code).unwrap_err();
            assert_eq!(err, MoneyError::UnknownCurrency(code.to_owned()));
            assert_eq!(err.code(), "unknown_currency");
        }
        let mut e = Errors::default();
        assert_eq!(check_currency(&mut e, "/currency", "RMB"), None);
        assert_eq!(check_currency(&mut e, "/currency", "CNY").map(Currency::code), Some("CNY"));
        assert_eq!(codes(&e), [("/currency", "unknown_currency")]);
    }

    #[test]
    fn validation_codes() {
        let mut e = Errors::default();
        check_amount(&mut e, "/a", d("1.005"), 2);
        check_amount(&mut e, "/b", d("0.5"), 0);
        check_amount(&mut e, "/ok", d("100.00"), 0);
        check_amount(&mut e, "/ok", d("1.005"), 3);
        check_amount(&mut e, "/c", d("1000000000000000"), 2);
        check_unit_price(&mut e, "/d", d("-0.01"), 2);
        check_unit_price(&mut e, "/ok", d("0"), 2);
        check_unit_price(&mut e, "/ok", d("-0"), 2);
        check_unit_price(&mut e, "/e", d("19.999"), 2);
        check_amount(&mut e, "/e2", d("922337203685477.59"), 2);
        check_amount(&mut e, "/ok", d("922337203685477.58"), 2);
        check_quantity(&mut e, "/f", d("0"));
        check_quantity(&mut e, "/g", d("-1"));
        check_quantity(&mut e, "/h", d("0.00001"));
        check_quantity(&mut e, "/ok", d("0.0001"));
        check_quantity(&mut e, "/ok", d("2.50000"));
        check_percent(&mut e, "/i", d("100.0001"));
        check_percent(&mut e, "/j", d("-0.5"));
        check_percent(&mut e, "/k", d("12.34567"));
        check_percent(&mut e, "/ok", d("0"));
        check_percent(&mut e, "/ok", d("100"));
        check_percent(&mut e, "/ok", d("33.3333"));
        assert_eq!(
            codes(&e),
            [
                ("/a", "too_many_decimals"),
                ("/b", "too_many_decimals"),
                ("/c", "too_large"),
                ("/d", "negative"),
                ("/e", "too_many_decimals"),
                ("/e2", "too_large"),
                ("/f", "not_positive"),
                ("/g", "not_positive"),
                ("/h", "too_many_decimals"),
                ("/i", "out_of_range"),
                ("/j", "out_of_range"),
                ("/k", "too_many_decimals"),
            ]
        );
    }

    #[test]
    fn line_check_points_at_each_field() {
        let mut e = Errors::default();
        check_line(&mut e, "/lines/0", &line("3", "19.99", "12.5", "13"), 2);
        assert!(e.is_empty());
        check_line(&mut e, "/lines/1", &line("0", "-1", "101", "0.00001"), 2);
        assert_eq!(
            codes(&e),
            [
                ("/lines/1/quantity", "not_positive"),
                ("/lines/1/unit_price", "negative"),
                ("/lines/1/discount_percent", "out_of_range"),
                ("/lines/1/tax_rate_percent", "too_many_decimals"),
            ]
        );
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let max = Decimal::MAX.to_string();
        assert_eq!(line_amounts(&line(&max, &max, "0", "0"), 2), Err(MoneyError::Overflow));
        // Fits as an integer, but not with two decimals.
        assert_eq!(line_amounts(&line(&max, "1", "0", "0"), 2), Err(MoneyError::Overflow));
        // A product that `checked_mul` would round to fit.
        let tiny = "0.0000000000000000000000000001";
        assert_eq!(line_amounts(&line(tiny, tiny, "0", "0"), 2), Err(MoneyError::Overflow));
        let big = line("79228162514264337593543", "1", "0", "0");
        assert!(line_amounts(&big, 2).is_ok());
        assert_eq!(totals(&vec![big; 100_000], 2).map(|_| ()), Err(MoneyError::Overflow));
        assert_eq!(MoneyError::Overflow.code(), "too_large");
    }

    #[test]
    fn fixed4_round_trips() {
        for (value, stored) in [
            ("0", 0),
            ("1", 10_000),
            ("19.99", 199_900),
            ("19.9900000", 199_900),
            ("0.0001", 1),
            ("-2.5", -25_000),
            ("922337203685477.5807", i64::MAX),
            ("-922337203685477.5808", i64::MIN),
        ] {
            assert_eq!(to_fixed4(d(value)), Ok(stored), "{value}");
            assert_eq!(from_fixed4(stored), d(value));
            assert_eq!(from_fixed4(stored).scale(), 4);
            assert_eq!(to_fixed4(from_fixed4(stored)), Ok(stored));
        }
        assert_eq!(from_fixed4(199_900).to_string(), "19.9900");
        assert_eq!(from_fixed4_at(199_900, 2).to_string(), "19.99");
        assert_eq!(from_fixed4_at(10_000, 0).to_string(), "1");
        assert_eq!(from_fixed4_at(12_340, 3).to_string(), "1.234");
        assert_eq!(from_fixed4_at(0, 2).to_string(), "0.00");
    }

    #[test]
    fn fixed4_refusals() {
        assert_eq!(to_fixed4(d("0.00001")), Err(MoneyError::TooManyDecimals { max: 4 }));
        assert_eq!(to_fixed4(d("1.23456")).unwrap_err().code(), "too_many_decimals");
        assert_eq!(to_fixed4(d("922337203685477.5808")), Err(MoneyError::OutOfRange));
        assert_eq!(to_fixed4(d("-922337203685477.5809")), Err(MoneyError::OutOfRange));
        assert_eq!(to_fixed4(Decimal::MAX), Err(MoneyError::OutOfRange));
        assert_eq!(to_fixed4(Decimal::MIN).unwrap_err().code(), "too_large");
    }

    /// Inputs and the strings every client must show for them, worked out independently with
    /// half-up decimal arithmetic. The web app runs the same code on wasm32 and must match.
    #[test]
    fn golden_vectors() {
        type Vector = (u32, &'static [[&'static str; 4]], &'static [[&'static str; 3]], [&'static str; 4]);
        const VECTORS: &[Vector] = &[
            (
                2,
                &[["3", "19.99", "12.5", "13"], ["1", "0.05", "0", "6"]],
                &[["52.47", "6.82", "59.29"], ["0.05", "0.00", "0.05"]],
                ["60.02", "7.50", "6.82", "59.34"],
            ),
            (
                0,
                &[["7", "1234", "15", "10"], ["1", "25", "2", "10"]],
                &[["7342", "734", "8076"], ["25", "3", "28"]],
                ["8663", "1296", "737", "8104"],
            ),
            (
                3,
                &[["2.5", "12.345", "10", "5"], ["3", "0.333", "0", "0"]],
                &[["27.776", "1.389", "29.165"], ["0.999", "0.000", "0.999"]],
                ["31.862", "3.087", "1.389", "30.164"],
            ),
            (2, &[], &[], ["0.00", "0.00", "0.00", "0.00"]),
            // Half a cent off a cent rounds back up to the cent.
            (2, &[["1", "0.01", "50", "0"]], &[["0.01", "0.00", "0.01"]], ["0.01", "0.00", "0.00", "0.01"]),
            (2, &[["1", "0.03", "50", "50"]], &[["0.02", "0.01", "0.03"]], ["0.03", "0.01", "0.01", "0.03"]),
            (2, &[["0.3333", "10", "0", "13"]], &[["3.33", "0.43", "3.76"]], ["3.33", "0.00", "0.43", "3.76"]),
            (2, &[["12", "8.5", "100", "13"]], &[["0.00", "0.00", "0.00"]], ["102.00", "102.00", "0.00", "0.00"]),
            (
                2,
                &[["1.5", "2.99", "33.3333", "6.5"], ["2", "0.10", "0.0001", "0"]],
                &[["2.99", "0.19", "3.18"], ["0.20", "0.00", "0.20"]],
                ["4.69", "1.50", "0.19", "3.38"],
            ),
            (
                0,
                &[["3", "333", "33.3333", "10"], ["0.5", "1", "0", "0"]],
                &[["666", "67", "733"], ["1", "0", "1"]],
                ["1000", "333", "67", "734"],
            ),
            (
                3,
                &[["0.0001", "0.005", "0", "100"], ["1", "1.001", "0.5", "0.1"]],
                &[["0.000", "0.000", "0.000"], ["0.996", "0.001", "0.997"]],
                ["1.001", "0.005", "0.001", "0.997"],
            ),
            (
                2,
                &[["999999.9999", "999999999.99", "0.0001", "99.9999"]],
                &[["999998999890000.11", "999997999891000.22", "1999996999781000.33"]],
                ["999999999890000.00", "999999999.89", "999997999891000.22", "1999996999781000.33"],
            ),
        ];
        for (i, (exponent, inputs, lines, expected)) in VECTORS.iter().enumerate() {
            let inputs: Vec<LineInput> = inputs.iter().map(|[q, p, disc, tax]| line(q, p, disc, tax)).collect();
            let (amounts, t) = totals(&inputs, *exponent).unwrap();
            let lines: Vec<[String; 3]> = lines.iter().map(|l| l.map(str::to_owned)).collect();
            assert_eq!(strings(&amounts), lines, "vector {i}");
            assert_eq!(total_strings(&t), expected.map(str::to_owned), "vector {i}");
        }
        // The last total computes but is beyond what a BIGINT × 10⁴ holds.
        assert_eq!(to_fixed4(d("1999996999781000.33")), Err(MoneyError::OutOfRange));
    }

    /// A decimal of `min..=max` with 0 to `max_scale` decimals.
    fn decimal(min: i64, max: i64, max_scale: u32) -> impl Strategy<Value = Decimal> {
        (0..=max_scale).prop_flat_map(move |scale| {
            let unit = 10_i64.pow(scale);
            (min * unit..=max * unit).prop_map(move |m| Decimal::new(m, scale))
        })
    }

    fn line_input(exponent: u32) -> impl Strategy<Value = LineInput> {
        (decimal(0, 1_000_000, 4), decimal(0, 1_000_000_000, exponent), decimal(0, 100, 4), decimal(0, 100, 4))
            .prop_map(|(quantity, unit_price, discount_percent, tax_rate_percent)| LineInput {
                quantity: if quantity.is_zero() { Decimal::ONE } else { quantity },
                unit_price,
                discount_percent,
                tax_rate_percent,
            })
    }

    fn document() -> impl Strategy<Value = (u32, Vec<LineInput>)> {
        prop_oneof![Just(0_u32), Just(2), Just(3)]
            .prop_flat_map(|exponent| (Just(exponent), prop::collection::vec(line_input(exponent), 0..8)))
    }

    fn config() -> Config {
        // No regression files written into the crate.
        Config { cases: 200, failure_persistence: None, ..Config::default() }
    }

    fn reparse(value: Decimal) -> Decimal {
        d(&value.to_string())
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn documents_add_up((exponent, lines) in document()) {
            let mut errors = Errors::default();
            for (i, l) in lines.iter().enumerate() {
                check_line(&mut errors, &format!("/lines/{i}"), l, exponent);
            }
            prop_assert!(errors.is_empty(), "{:?}", errors.0);

            let (amounts, t) = totals(&lines, exponent).unwrap();
            prop_assert_eq!(amounts.len(), lines.len());
            // (a) the total is the sum of the lines' totals.
            let sum = amounts.iter().fold(Decimal::ZERO, |acc, a| acc + a.total_amount);
            prop_assert_eq!(t.total, sum);
            // (b) the totals add up.
            prop_assert_eq!(t.total, t.subtotal - t.discount_total + t.tax_total);
            // (c) every amount has exactly the currency's decimals.
            for a in &amounts {
                prop_assert_eq!(a.total_amount, a.net_amount + a.tax_amount);
                for v in [a.net_amount, a.tax_amount, a.total_amount] {
                    prop_assert_eq!(v.scale(), exponent);
                }
            }
            for v in [t.subtotal, t.discount_total, t.tax_total, t.total] {
                prop_assert_eq!(v.scale(), exponent);
            }
            // Each line computed alone agrees with the document.
            for (l, a) in lines.iter().zip(&amounts) {
                prop_assert_eq!(line_amounts(l, exponent).unwrap(), *a);
            }
        }

        /// (d) No drift: every output reads back as itself, and inputs that went through their
        /// string form (as they do over the wire, and into the browser) give the same strings.
        #[test]
        fn no_drift_through_strings((exponent, lines) in document()) {
            let (amounts, t) = totals(&lines, exponent).unwrap();
            let outputs: Vec<Decimal> = amounts
                .iter()
                .flat_map(|a| [a.net_amount, a.tax_amount, a.total_amount])
                .chain([t.subtotal, t.discount_total, t.tax_total, t.total])
                .collect();
            for v in &outputs {
                prop_assert_eq!(reparse(*v).to_string(), v.to_string());
                prop_assert_eq!(round_money(reparse(*v), exponent).to_string(), v.to_string());
            }
            let reparsed: Vec<LineInput> = lines
                .iter()
                .map(|l| LineInput {
                    quantity: reparse(l.quantity),
                    unit_price: reparse(l.unit_price),
                    discount_percent: reparse(l.discount_percent),
                    tax_rate_percent: reparse(l.tax_rate_percent),
                })
                .collect();
            let (amounts2, t2) = totals(&reparsed, exponent).unwrap();
            prop_assert_eq!(strings(&amounts2), strings(&amounts));
            prop_assert_eq!(total_strings(&t2), total_strings(&t));
            // Trailing zeros in the input change nothing either.
            let normalized: Vec<LineInput> = lines
                .iter()
                .map(|l| LineInput {
                    quantity: l.quantity.normalize(),
                    unit_price: l.unit_price.normalize(),
                    discount_percent: l.discount_percent.normalize(),
                    tax_rate_percent: l.tax_rate_percent.normalize(),
                })
                .collect();
            let (amounts3, t3) = totals(&normalized, exponent).unwrap();
            prop_assert_eq!(strings(&amounts3), strings(&amounts));
            prop_assert_eq!(total_strings(&t3), total_strings(&t));
        }

        /// (e) Rounding twice is rounding once, and moves by at most half a minor unit.
        #[test]
        fn rounding_is_idempotent(m in any::<i64>(), scale in 0_u32..=12, exponent in prop_oneof![Just(0_u32), Just(2), Just(3)]) {
            let value = Decimal::new(m, scale);
            let once = round_money(value, exponent);
            prop_assert_eq!(once.scale(), exponent);
            prop_assert_eq!(round_money(once, exponent).to_string(), once.to_string());
            prop_assert!((once - value).abs() <= Decimal::new(5, exponent + 1));
        }

        /// (f) Without a discount the net is the rounded gross and nothing is discounted.
        #[test]
        fn no_discount_means_net_is_rounded_gross((exponent, lines) in document()) {
            let lines: Vec<LineInput> = lines.into_iter().map(|l| LineInput { discount_percent: Decimal::ZERO, ..l }).collect();
            let (amounts, t) = totals(&lines, exponent).unwrap();
            for (l, a) in lines.iter().zip(&amounts) {
                prop_assert_eq!(a.net_amount, round_money(l.quantity * l.unit_price, exponent));
            }
            prop_assert_eq!(t.discount_total.to_string(), Decimal::new(0, exponent).to_string());
        }

        #[test]
        fn fixed4_round_trips_any_stored_value(stored in any::<i64>()) {
            prop_assert_eq!(to_fixed4(from_fixed4(stored)), Ok(stored));
        }
    }
}
