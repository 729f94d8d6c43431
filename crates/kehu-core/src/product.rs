//! Products: the catalog that quotes and purchases draw their lines from. Everyone signed in reads
//! it; administrators and managers change it. Prices are exact decimals in the product's currency.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::{Currency, check_currency, check_unit_price};
use crate::validate::Errors;

/// Longest `sku`, `name` and `unit`, in characters.
pub const SKU_MAX: usize = 64;
pub const NAME_MAX: usize = 200;
pub const UNIT_MAX: usize = 20;

/// The unit of a product created without one.
pub const DEFAULT_UNIT: &str = "pcs";

/// A product (`/api/v1/products`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    /// Always `"product"`.
    pub object: String,
    pub id: Uuid,
    /// The stock-keeping unit, unique among live products regardless of case.
    pub sku: String,
    pub name: String,
    /// What one of it is: `pcs`, `kg`, `台`, `hour`, …
    pub unit: String,
    /// The price of one unit before discounts, with exactly the currency's decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "19.90"))]
    pub list_price: Decimal,
    /// What one unit costs the company, with exactly the currency's decimals. Shown only to
    /// administrators and managers: for sales and service users (and their API keys) it is
    /// always `null`, as it is when no cost was entered.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12.00"))]
    pub cost: Option<Decimal>,
    /// ISO 4217 code of `list_price` and `cost`.
    pub currency: String,
    /// Whether the product is offered; inactive products stay in the catalog for old documents.
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

fn yes() -> bool {
    true
}

/// `POST /api/v1/products` (administrators and managers).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProduct {
    /// 1–64 characters, trimmed; unique among live products regardless of case.
    pub sku: String,
    pub name: String,
    /// Up to 20 characters; `pcs` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// An uppercase ISO 4217 code, e.g. `CNY`.
    pub currency: String,
    /// 0 or more, with at most the currency's decimals (`"19.90"` in CNY, `"1500"` in JPY).
    #[serde(deserialize_with = "crate::decimal::string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "19.90"))]
    pub list_price: Decimal,
    /// 0 or more, with at most the currency's decimals.
    #[serde(default, deserialize_with = "crate::decimal::optional", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12.00"))]
    pub cost: Option<Decimal>,
    /// `true` when left out.
    #[serde(default = "yes")]
    pub active: bool,
}

/// `PATCH /api/v1/products/{id}` (JSON Merge Patch; administrators and managers).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProduct {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `null` puts the default `pcs` back.
    #[serde(default, deserialize_with = "crate::patch::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub unit: Option<Option<String>>,
    /// A new currency must come with `list_price` (and `cost`, when the product has one) in it:
    /// prices are never carried over from another currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Cannot be cleared: `null` is 422.
    #[serde(default, deserialize_with = "crate::decimal::some_string", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "19.90"))]
    pub list_price: Option<Decimal>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::decimal::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12.00"))]
    pub cost: Option<Option<Decimal>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// The key that makes SKUs unique: trimmed and lowercased, so `ab-1` and ` AB-1` are one SKU.
pub fn sku_key(sku: &str) -> String {
    sku.trim().to_lowercase()
}

fn check_unit(errors: &mut Errors, unit: &str) {
    errors.text("/unit", unit, UNIT_MAX);
}

/// Both prices in `currency`; nothing to say when the currency itself is unknown (that is
/// reported on `/currency`).
fn check_prices(errors: &mut Errors, currency: Option<Currency>, list_price: Option<Decimal>, cost: Option<Decimal>) {
    let Some(exponent) = currency.map(Currency::exponent) else { return };
    if let Some(p) = list_price {
        check_unit_price(errors, "/list_price", p, exponent);
    }
    if let Some(c) = cost {
        check_unit_price(errors, "/cost", c, exponent);
    }
}

impl CreateProduct {
    /// Field checks that need no database (the SKU's uniqueness does).
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.text("/sku", &self.sku, SKU_MAX);
        errors.text("/name", &self.name, NAME_MAX);
        if let Some(u) = &self.unit {
            check_unit(&mut errors, u);
        }
        let currency = check_currency(&mut errors, "/currency", &self.currency);
        check_prices(&mut errors, currency, Some(self.list_price), self.cost);
        errors
    }
}

/// What a patch is checked against: the product as it is.
#[derive(Debug, Clone, Copy)]
pub struct CurrentPrices<'a> {
    pub currency: &'a str,
    pub has_cost: bool,
}

impl UpdateProduct {
    /// The currency the product will have after this patch.
    pub fn currency_after<'a>(&'a self, current: &'a str) -> &'a str {
        self.currency.as_deref().unwrap_or(current)
    }

    /// Field checks against the current product: new prices must suit the currency the product
    /// will have, and a change of currency must restate the prices.
    pub fn check(&self, current: CurrentPrices<'_>) -> Errors {
        let mut errors = Errors::default();
        if let Some(s) = &self.sku {
            errors.text("/sku", s, SKU_MAX);
        }
        if let Some(n) = &self.name {
            errors.text("/name", n, NAME_MAX);
        }
        if let Some(Some(u)) = &self.unit {
            check_unit(&mut errors, u);
        }
        let currency = match self.currency.as_deref().filter(|c| *c != current.currency) {
            Some(new) => {
                // The same number in another currency is another price: 19.90 CNY is not 19.90 EUR.
                if self.list_price.is_none() {
                    errors.add("/list_price", "required", "a new currency needs the list price in it");
                }
                if current.has_cost && self.cost.is_none() {
                    errors.add("/cost", "required", "a new currency needs the cost in it (or null to clear it)");
                }
                check_currency(&mut errors, "/currency", new)
            }
            // Stored currencies were checked when they were written.
            None => Currency::parse(current.currency).ok(),
        };
        check_prices(&mut errors, currency, self.list_price, self.cost.flatten());
        errors
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn codes(errors: &Errors) -> Vec<(&str, &str)> {
        errors.0.iter().map(|e| (e.pointer.as_str(), e.code.as_str())).collect()
    }

    fn create(value: serde_json::Value) -> CreateProduct {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn new_products_are_checked() {
        let ok = create(json!({"sku": " AB-1 ", "name": "螺丝", "currency": "CNY", "list_price": "19.90"}));
        assert!(ok.check().is_empty());
        assert!(ok.active);
        assert_eq!(ok.unit, None);
        let bad = create(json!({
            "sku": " ", "name": "x", "unit": "", "currency": "CNY", "list_price": "19.999", "cost": "-1"
        }));
        assert_eq!(
            codes(&bad.check()),
            [("/sku", "required"), ("/unit", "required"), ("/list_price", "too_many_decimals"), ("/cost", "negative")]
        );
        let jpy = create(json!({"sku": "a", "name": "x", "currency": "JPY", "list_price": "1500.5"}));
        assert_eq!(codes(&jpy.check()), [("/list_price", "too_many_decimals")]);
        let jpy = create(json!({"sku": "a", "name": "x", "currency": "JPY", "list_price": "1500.00"}));
        assert!(jpy.check().is_empty());
        let unknown = create(json!({"sku": "a", "name": "x", "currency": "cny", "list_price": "1.001"}));
        assert_eq!(codes(&unknown.check()), [("/currency", "unknown_currency")]);
        let long = create(json!({"sku": "s".repeat(65), "name": "x", "currency": "USD", "list_price": "0"}));
        assert_eq!(codes(&long.check()), [("/sku", "too_long")]);
    }

    #[test]
    fn a_new_currency_restates_the_prices() {
        let cny = CurrentPrices { currency: "CNY", has_cost: true };
        let patch: UpdateProduct = serde_json::from_value(json!({"currency": "JPY"})).unwrap();
        assert_eq!(codes(&patch.check(cny)), [("/list_price", "required"), ("/cost", "required")]);
        let patch: UpdateProduct =
            serde_json::from_value(json!({"currency": "JPY", "list_price": "1500.5", "cost": null})).unwrap();
        assert_eq!(codes(&patch.check(cny)), [("/list_price", "too_many_decimals")]);
        let patch: UpdateProduct =
            serde_json::from_value(json!({"currency": "JPY", "list_price": "1500", "cost": "900"})).unwrap();
        assert!(patch.check(cny).is_empty());
        // Without a currency change, prices are checked in the current currency.
        let patch: UpdateProduct = serde_json::from_value(json!({"cost": "0.005"})).unwrap();
        assert_eq!(codes(&patch.check(cny)), [("/cost", "too_many_decimals")]);
        let patch: UpdateProduct = serde_json::from_value(json!({"currency": "CNY", "unit": null})).unwrap();
        assert!(patch.check(cny).is_empty());
        assert_eq!(patch.unit, Some(None));
        assert_eq!(sku_key(" Ab-1 "), "ab-1");
    }
}
