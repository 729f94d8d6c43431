//! Sums of money as people read them: the currency's sign where it has a common one, thousands
//! grouped, and exactly the decimals the server sent (which are the currency's).

use rust_decimal::Decimal;

/// The sign written before an amount, or the code followed by a space.
fn prefix(currency: &str) -> String {
    match currency {
        "CNY" | "JPY" => "¥".to_owned(),
        "USD" => "$".to_owned(),
        "EUR" => "€".to_owned(),
        "GBP" => "£".to_owned(),
        "HKD" => "HK$".to_owned(),
        other => format!("{other} "),
    }
}

/// The currencies forms offer first; the server takes any ISO 4217 code it knows.
pub const CURRENCIES: [&str; 8] = ["CNY", "USD", "EUR", "HKD", "JPY", "GBP", "KRW", "KWD"];

/// Digits with their thousands grouped, as both languages write them: `100000` → `100,000`.
pub fn group_digits(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// `¥120,000.00`, `KWD 1.250`, `-$3.50`.
pub fn money(amount: Decimal, currency: &str) -> String {
    let text = amount.abs().to_string();
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let grouped = group_digits(whole);
    let sign = if amount.is_sign_negative() && !amount.is_zero() { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{}{grouped}.{f}", prefix(currency)),
        None => format!("{sign}{}{grouped}", prefix(currency)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_read_as_written_in_shops() {
        let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(money(d("120000.00"), "CNY"), "¥120,000.00");
        assert_eq!(money(d("1000"), "JPY"), "¥1,000");
        assert_eq!(money(d("1.250"), "KWD"), "KWD 1.250");
        assert_eq!(money(d("-3.50"), "USD"), "-$3.50");
        assert_eq!(money(d("999.99"), "EUR"), "€999.99");
    }
}
