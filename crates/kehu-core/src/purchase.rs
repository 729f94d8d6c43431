//! Purchases (订单): what a customer bought, from an accepted quote or entered directly; its
//! payments (收款), returns (退货) and what is still owed (应收).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::{self, Currency};
use crate::quote::{Line, NewLine, check_lines};
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    pub enum PurchaseStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Fulfilled = "fulfilled",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

wire_enum! {
    /// `POST /purchases/{id}/{action}`; `payments` and `returns` are the two sub-resources that
    /// can be posted to.
    pub enum PurchaseAction {
        Confirm = "confirm",
        Fulfill = "fulfill",
        Complete = "complete",
        Cancel = "cancel",
        Payments = "payments",
        Returns = "returns",
    }
}

wire_enum! {
    pub enum PaymentMethod {
        Cash = "cash",
        BankTransfer = "bank_transfer",
        Card = "card",
        Alipay = "alipay",
        WechatPay = "wechat_pay",
        Cheque = "cheque",
        Other = "other",
    }
}

impl PurchaseStatus {
    /// The actions allowed in this status. `cancel` also needs nothing to have been paid (the
    /// service drops it then); payments are taken until completion or cancellation; returns only
    /// of goods delivered.
    pub fn allowed_actions(self) -> &'static [PurchaseAction] {
        use PurchaseAction as A;
        match self {
            PurchaseStatus::Pending => &[A::Confirm, A::Cancel, A::Payments],
            PurchaseStatus::Confirmed => &[A::Fulfill, A::Cancel, A::Payments],
            PurchaseStatus::Fulfilled => &[A::Complete, A::Payments, A::Returns],
            PurchaseStatus::Completed => &[A::Payments, A::Returns],
            PurchaseStatus::Cancelled => &[],
        }
    }

    /// Where a state action takes a purchase in this status, when allowed.
    pub fn after(self, action: PurchaseAction) -> Option<PurchaseStatus> {
        if !self.allowed_actions().contains(&action) {
            return None;
        }
        match action {
            PurchaseAction::Confirm => Some(PurchaseStatus::Confirmed),
            PurchaseAction::Fulfill => Some(PurchaseStatus::Fulfilled),
            PurchaseAction::Complete => Some(PurchaseStatus::Completed),
            PurchaseAction::Cancel => Some(PurchaseStatus::Cancelled),
            PurchaseAction::Payments | PurchaseAction::Returns => None,
        }
    }
}

/// A payment received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "100.00"))]
    pub amount: Decimal,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

/// How much of one purchase line came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnLine {
    pub line_id: Uuid,
    #[serde(deserialize_with = "crate::decimal::string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1"))]
    pub quantity: Decimal,
}

/// A return of goods, with the money refunded for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseReturn {
    pub id: Uuid,
    pub lines: Vec<ReturnLine>,
    /// What the returned goods were worth: Σ quantity × the line's total per unit, kept so that
    /// a line returned in full adds up to its total exactly.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "20.00"))]
    pub returned_value: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "20.00"))]
    pub refund_amount: Decimal,
    pub reason: Option<String>,
    pub returned_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

/// A purchase (`/api/v1/purchases`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purchase {
    /// Always `"purchase"`.
    pub object: String,
    pub id: Uuid,
    /// `P-YYYY-NNNNNN`.
    pub number: String,
    pub customer_id: Uuid,
    /// The accepted quote it came from.
    pub quote_id: Option<Uuid>,
    pub status: PurchaseStatus,
    pub order_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub lines: Vec<Line>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub subtotal: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub discount_total: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub tax_total: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub total: Decimal,
    /// Σ payments.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub paid_total: Decimal,
    /// Σ refunds of returns.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub refunded_total: Decimal,
    /// Σ `returned_value` of returns.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub returned_total: Decimal,
    /// `total − returned_total − (paid_total − refunded_total)`, never below 0; 0 when cancelled.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub balance_due: Decimal,
    /// `due_date` has passed and something is still due.
    pub overdue: bool,
    /// Oldest first.
    pub payments: Vec<Payment>,
    /// Oldest first.
    pub returns: Vec<PurchaseReturn>,
    /// The quote's owner, or whoever owned the customer when it was entered.
    pub owner_id: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/purchases`: a purchase entered directly, with its lines.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePurchase {
    /// A customer the caller may change.
    pub customer_id: Uuid,
    pub currency: String,
    /// Default: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    pub lines: Vec<NewLine>,
}

/// `POST /api/v1/purchases/{id}/payments`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePayment {
    /// More than 0, at most the currency's decimals, at most `balance_due`.
    #[serde(deserialize_with = "crate::decimal::string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "100.00"))]
    pub amount: Decimal,
    /// Default: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<NaiveDate>,
    pub method: PaymentMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// `POST /api/v1/purchases/{id}/returns`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateReturn {
    pub lines: Vec<ReturnLine>,
    /// 0 or more, at most what was paid and not yet refunded. Default 0.
    #[serde(default, deserialize_with = "crate::decimal::optional", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "20.00"))]
    pub refund_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Default: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_on: Option<NaiveDate>,
}

pub const REFERENCE_MAX: usize = 200;
pub const REASON_MAX: usize = 1000;

impl CreatePurchase {
    pub fn check(&self) -> (Errors, Option<Currency>) {
        let mut errors = Errors::default();
        let currency = money::check_currency(&mut errors, "/currency", &self.currency);
        check_lines(&mut errors, &self.lines, currency);
        if let (Some(order), Some(due)) = (self.order_date, self.due_date)
            && due < order
        {
            errors.add("/due_date", "before_order_date", "the due date cannot be before the order date");
        }
        (errors, currency)
    }
}

impl CreatePayment {
    /// Checks the amount in the purchase's currency (the balance is the service's to check).
    pub fn check(&self, exponent: u32) -> Errors {
        let mut errors = Errors::default();
        if self.amount <= Decimal::ZERO {
            errors.add("/amount", "not_positive", "must be more than 0");
        } else {
            money::check_amount(&mut errors, "/amount", self.amount, exponent);
        }
        if let Some(r) = &self.reference {
            errors.text("/reference", r, REFERENCE_MAX);
        }
        errors
    }
}

impl CreateReturn {
    pub fn check(&self, exponent: u32) -> Errors {
        let mut errors = Errors::default();
        if self.lines.is_empty() {
            errors.add("/lines", "required", "return at least one line");
        }
        for (i, line) in self.lines.iter().enumerate() {
            money::check_quantity(&mut errors, &format!("/lines/{i}/quantity"), line.quantity);
            if self.lines[..i].iter().any(|l| l.line_id == line.line_id) {
                errors.add(&format!("/lines/{i}/line_id"), "duplicate", "each line once per return");
            }
        }
        if let Some(r) = self.refund_amount {
            if r.is_sign_negative() && !r.is_zero() {
                errors.add("/refund_amount", "negative", "must be 0 or more");
            } else {
                money::check_amount(&mut errors, "/refund_amount", r, exponent);
            }
        }
        if let Some(r) = &self.reason {
            errors.text("/reason", r, REASON_MAX);
        }
        errors
    }
}

/// What the balance of a purchase is: `total − returned − (paid − refunded)`, never below 0, and
/// 0 for a cancelled purchase (nothing more is owed on it).
pub fn balance_due(
    status: PurchaseStatus,
    total: Decimal,
    returned: Decimal,
    paid: Decimal,
    refunded: Decimal,
) -> Decimal {
    if status == PurchaseStatus::Cancelled {
        return Decimal::ZERO;
    }
    (total - returned - (paid - refunded)).max(Decimal::ZERO)
}

/// The value of the first `quantity` units of a line worth `line_total` for `line_quantity`
/// units, rounded half-up to the currency; the value of a partial return is the difference of two
/// of these, so that returning a line in parts adds up to its total exactly.
pub fn returned_value(line_total: Decimal, line_quantity: Decimal, quantity: Decimal, exponent: u32) -> Decimal {
    if quantity >= line_quantity {
        return money::round_money(line_total, exponent);
    }
    let value = line_total.checked_mul(quantity).and_then(|v| v.checked_div(line_quantity));
    money::round_money(value.unwrap_or(line_total), exponent)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_balance_accounts_for_returns_and_refunds() {
        let s = PurchaseStatus::Fulfilled;
        assert_eq!(balance_due(s, d("100.00"), d("0"), d("30.00"), d("0")), d("70.00"));
        assert_eq!(balance_due(s, d("100.00"), d("20.00"), d("30.00"), d("0")), d("50.00"));
        assert_eq!(balance_due(s, d("100.00"), d("100.00"), d("30.00"), d("0")), d("0"));
        assert_eq!(balance_due(PurchaseStatus::Cancelled, d("100.00"), d("0"), d("0"), d("0")), d("0"));
    }

    #[test]
    fn a_line_returned_in_parts_adds_up_to_its_total() {
        let (total, qty) = (d("100.00"), d("3"));
        let first = returned_value(total, qty, d("1"), 2);
        let second = returned_value(total, qty, d("2"), 2) - first;
        let third = returned_value(total, qty, d("3"), 2) - first - second;
        assert_eq!((first, second, third), (d("33.33"), d("33.34"), d("33.33")));
        assert_eq!(first + second + third, total);
    }

    #[test]
    fn actions_follow_the_states() {
        assert_eq!(PurchaseStatus::Pending.after(PurchaseAction::Confirm), Some(PurchaseStatus::Confirmed));
        assert_eq!(PurchaseStatus::Pending.after(PurchaseAction::Complete), None);
        assert_eq!(PurchaseStatus::Fulfilled.after(PurchaseAction::Cancel), None);
        assert!(PurchaseStatus::Cancelled.allowed_actions().is_empty());
    }
}
