//! Quotes (报价) and the lines they share with purchases. Totals are computed with
//! [`crate::money::totals`], never typed; only drafts change; every other move is an action.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::{self, Currency, LineInput};
use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    /// Where a quote stands. `expired` is never stored: a quote whose `valid_until` has passed
    /// reports it while it is not accepted, rejected or cancelled.
    pub enum QuoteStatus {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Sent = "sent",
        Accepted = "accepted",
        Rejected = "rejected",
        Expired = "expired",
        Cancelled = "cancelled",
    }
}

wire_enum! {
    /// `POST /quotes/{id}/{action}`.
    pub enum QuoteAction {
        Submit = "submit",
        Approve = "approve",
        RejectApproval = "reject-approval",
        Send = "send",
        Accept = "accept",
        Reject = "reject",
        Cancel = "cancel",
        Revise = "revise",
    }
}

impl QuoteStatus {
    /// Whether the quote is finished: it never expires and no longer moves (except a revision of
    /// a rejected one).
    pub fn is_final(self) -> bool {
        matches!(self, QuoteStatus::Accepted | QuoteStatus::Rejected | QuoteStatus::Cancelled)
    }

    /// What a stored status shows on `today`: past `valid_until`, an unfinished quote is expired.
    pub fn effective(self, valid_until: Option<NaiveDate>, today: NaiveDate) -> QuoteStatus {
        match valid_until {
            Some(d) if d < today && !self.is_final() => QuoteStatus::Expired,
            _ => self,
        }
    }

    /// The actions a quote in this (effective) status allows.
    pub fn allowed_actions(self) -> &'static [QuoteAction] {
        use QuoteAction as A;
        match self {
            QuoteStatus::Draft => &[A::Submit, A::Cancel],
            QuoteStatus::PendingApproval => &[A::Approve, A::RejectApproval, A::Cancel],
            QuoteStatus::Approved => &[A::Send, A::Cancel],
            QuoteStatus::Sent => &[A::Accept, A::Reject, A::Cancel, A::Revise],
            QuoteStatus::Rejected => &[A::Revise],
            QuoteStatus::Expired => &[A::Cancel, A::Revise],
            QuoteStatus::Accepted | QuoteStatus::Cancelled => &[],
        }
    }

    /// Where `action` takes a quote in this status (`submit` is decided by the discounts, and
    /// `revise` leaves this quote as it is and makes a new draft); `None` when not allowed.
    pub fn after(self, action: QuoteAction, needs_approval: bool) -> Option<QuoteStatus> {
        if !self.allowed_actions().contains(&action) {
            return None;
        }
        Some(match action {
            QuoteAction::Submit if needs_approval => QuoteStatus::PendingApproval,
            QuoteAction::Submit | QuoteAction::Approve => QuoteStatus::Approved,
            QuoteAction::RejectApproval => QuoteStatus::Draft,
            QuoteAction::Send => QuoteStatus::Sent,
            QuoteAction::Accept => QuoteStatus::Accepted,
            QuoteAction::Reject => QuoteStatus::Rejected,
            QuoteAction::Cancel => QuoteStatus::Cancelled,
            QuoteAction::Revise => self,
        })
    }
}

/// A line of a quote or purchase, as the API shows it. Amounts have exactly the currency's
/// decimals; quantities and percentages are as stored (up to 4 decimals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    pub id: Uuid,
    pub product_id: Option<Uuid>,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub quantity: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "19.99"))]
    pub unit_price: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12.5"))]
    pub discount_percent: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "13"))]
    pub tax_rate_percent: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "52.47"))]
    pub net_amount: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6.82"))]
    pub tax_amount: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "59.29"))]
    pub total_amount: Decimal,
}

/// A line in a request: a product (whose name and, in its currency, list price are the
/// defaults) or free text. Numbers are decimal strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLine {
    /// An active product; optional for a free-text line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<Uuid>,
    /// Default: the product's name; required without a product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// More than 0, at most 4 decimals.
    #[serde(deserialize_with = "crate::decimal::string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub quantity: Decimal,
    /// Default: the product's list price when the currencies match; required otherwise.
    #[serde(default, deserialize_with = "crate::decimal::optional", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "19.99"))]
    pub unit_price: Option<Decimal>,
    /// 0–100, default 0.
    #[serde(default, deserialize_with = "crate::decimal::optional", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12.5"))]
    pub discount_percent: Option<Decimal>,
    /// 0–100, default 0.
    #[serde(default, deserialize_with = "crate::decimal::optional", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "13"))]
    pub tax_rate_percent: Option<Decimal>,
}

/// Most lines a quote or purchase may have.
pub const MAX_LINES: usize = 200;
pub const DESCRIPTION_MAX: usize = 500;
pub const TERMS_MAX: usize = 5000;

/// Checks the parts of lines that need no database: count, quantities, percentages, a price's
/// decimals, a description's length. `currency` is `None` when it is itself invalid.
pub fn check_lines(errors: &mut Errors, lines: &[NewLine], currency: Option<Currency>) {
    if lines.is_empty() {
        errors.add("/lines", "required", "at least one line");
    }
    if lines.len() > MAX_LINES {
        errors.add("/lines", "too_many", format!("at most {MAX_LINES} lines"));
    }
    for (i, line) in lines.iter().enumerate() {
        let at = format!("/lines/{i}");
        money::check_quantity(errors, &format!("{at}/quantity"), line.quantity);
        if let (Some(price), Some(c)) = (line.unit_price, currency) {
            money::check_unit_price(errors, &format!("{at}/unit_price"), price, c.exponent());
        }
        if let Some(d) = line.discount_percent {
            money::check_percent(errors, &format!("{at}/discount_percent"), d);
        }
        if let Some(t) = line.tax_rate_percent {
            money::check_percent(errors, &format!("{at}/tax_rate_percent"), t);
        }
        match line.description.as_deref() {
            Some(d) => errors.text(&format!("{at}/description"), d, DESCRIPTION_MAX),
            None if line.product_id.is_none() => {
                errors.add(&format!("{at}/description"), "required", "a line without a product needs a description")
            }
            None => {}
        }
    }
}

/// A line with its defaults filled in, ready for [`money::totals`].
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedLine {
    pub product_id: Option<Uuid>,
    pub description: String,
    pub input: LineInput,
}

/// A quote (`/api/v1/quotes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    /// Always `"quote"`.
    pub object: String,
    pub id: Uuid,
    /// `Q-YYYY-NNNNNN`, shared by the revisions of one quote.
    pub number: String,
    /// 1 for the first version; a revision is a new draft with the same number and `revision + 1`.
    pub revision: i32,
    pub customer_id: Uuid,
    pub lead_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// Read-only; `expired` when `valid_until` has passed (and it is not accepted, rejected or
    /// cancelled).
    pub status: QuoteStatus,
    pub currency: String,
    pub valid_until: Option<NaiveDate>,
    pub terms: Option<String>,
    pub lines: Vec<Line>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "60.02"))]
    pub subtotal: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "7.50"))]
    pub discount_total: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6.82"))]
    pub tax_total: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "59.34"))]
    pub total: Decimal,
    /// The largest line discount, in percent.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12.5"))]
    pub max_discount_percent: Decimal,
    /// The purchase made when it was accepted.
    pub purchase_id: Option<Uuid>,
    /// The customer's owner when it was made (else its creator); their discount limit applies.
    pub owner_id: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/quotes`: a quote with its lines, in one request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateQuote {
    /// A customer the caller may change.
    pub customer_id: Uuid,
    /// A lead of the same customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<Uuid>,
    /// A contact of the same customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<Uuid>,
    /// ISO 4217 code.
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<String>,
    pub lines: Vec<NewLine>,
}

/// `PATCH /api/v1/quotes/{id}` (JSON Merge Patch), drafts only. `lines` replaces all lines; a new
/// `currency` needs them restated.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateQuote {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub lead_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub valid_until: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub terms: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<NewLine>>,
}

impl CreateQuote {
    /// Field checks that need no database; returns the currency when it is valid.
    pub fn check(&self) -> (Errors, Option<Currency>) {
        let mut errors = Errors::default();
        let currency = money::check_currency(&mut errors, "/currency", &self.currency);
        check_lines(&mut errors, &self.lines, currency);
        if let Some(t) = &self.terms {
            errors.text("/terms", t, TERMS_MAX);
        }
        (errors, currency)
    }
}

impl UpdateQuote {
    /// Field checks that need no database, against the currency the quote will have.
    pub fn check(&self, current_currency: &str) -> (Errors, Option<Currency>) {
        let mut errors = Errors::default();
        let code = self.currency.as_deref().unwrap_or(current_currency);
        let currency = money::check_currency(&mut errors, "/currency", code);
        if self.currency.as_deref().is_some_and(|c| c != current_currency) && self.lines.is_none() {
            errors.add("/lines", "required", "a new currency needs the lines restated in it");
        }
        if let Some(lines) = &self.lines {
            check_lines(&mut errors, lines, currency);
        }
        if let Some(Some(t)) = &self.terms {
            errors.text("/terms", t, TERMS_MAX);
        }
        (errors, currency)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn expiry_is_computed_and_final_states_never_expire() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let past = NaiveDate::from_ymd_opt(2026, 11, 30);
        assert_eq!(QuoteStatus::Sent.effective(past, today), QuoteStatus::Expired);
        assert_eq!(QuoteStatus::Draft.effective(past, today), QuoteStatus::Expired);
        assert_eq!(QuoteStatus::Sent.effective(Some(today), today), QuoteStatus::Sent);
        assert_eq!(QuoteStatus::Accepted.effective(past, today), QuoteStatus::Accepted);
        assert_eq!(QuoteStatus::Expired.after(QuoteAction::Accept, false), None);
        assert_eq!(QuoteStatus::Expired.after(QuoteAction::Send, false), None);
    }

    #[test]
    fn actions_follow_the_states() {
        assert_eq!(QuoteStatus::Draft.after(QuoteAction::Submit, true), Some(QuoteStatus::PendingApproval));
        assert_eq!(QuoteStatus::Draft.after(QuoteAction::Submit, false), Some(QuoteStatus::Approved));
        assert_eq!(QuoteStatus::Draft.after(QuoteAction::Accept, false), None);
        assert_eq!(QuoteStatus::Sent.after(QuoteAction::Accept, false), Some(QuoteStatus::Accepted));
        assert_eq!(QuoteStatus::PendingApproval.after(QuoteAction::RejectApproval, false), Some(QuoteStatus::Draft));
        assert!(QuoteStatus::Accepted.allowed_actions().is_empty());
        assert_eq!(QuoteAction::parse("reject-approval"), Some(QuoteAction::RejectApproval));
    }

    #[test]
    fn lines_are_checked_with_pointers() {
        let lines = vec![NewLine { quantity: Decimal::ZERO, ..NewLine::default() }];
        let mut errors = Errors::default();
        check_lines(&mut errors, &lines, Currency::parse("CNY").ok());
        let found: Vec<(String, String)> = errors.0.iter().map(|e| (e.pointer.clone(), e.code.clone())).collect();
        assert!(found.contains(&("/lines/0/quantity".into(), "not_positive".into())), "{found:?}");
        assert!(found.contains(&("/lines/0/description".into(), "required".into())), "{found:?}");
    }
}
