//! Customers as the API shows them, and the checks on what a caller sends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    /// A company or a person.
    pub enum CustomerKind { Company = "company", Individual = "individual" }
}

wire_enum! {
    /// 客户级别: how important the customer is, A highest.
    pub enum CustomerLevel { A = "a", B = "b", C = "c", D = "d" }
}

wire_enum! {
    /// Where the customer stands: prospect 潜在 → active 交易 → inactive 沉睡 → lost 流失, or no_need 无需.
    pub enum LifecycleStage {
        Prospect = "prospect",
        Active = "active",
        Inactive = "inactive",
        Lost = "lost",
        NoNeed = "no_need",
    }
}

wire_enum! {
    /// The channel a customer came through.
    pub enum CustomerSource {
        Web = "web",
        Referral = "referral",
        TradeShow = "trade_show",
        Campaign = "campaign",
        ColdCall = "cold_call",
        Other = "other",
    }
}

/// A postal address; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        [&self.country, &self.province, &self.city, &self.street, &self.postcode].iter().all(|p| p.is_none())
    }
}

/// A customer (`/api/v1/customers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    /// Always `"customer"`.
    pub object: String,
    pub id: Uuid,
    pub kind: CustomerKind,
    pub name: String,
    pub industry: Option<String>,
    pub level: Option<CustomerLevel>,
    pub category: Option<String>,
    pub lifecycle_stage: LifecycleStage,
    pub source: Option<CustomerSource>,
    /// The rep who owns the customer; `null` while it sits in the shared pool (公海).
    pub owner_id: Option<Uuid>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub address: Address,
    pub tax_id: Option<String>,
    pub credit_rating: Option<String>,
    pub tags: Vec<String>,
    /// Values of the custom fields an administrator defined for customers, by name.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_fields: Map<String, Value>,
    /// The id of this customer in another system; unique, used to update on import.
    pub external_id: Option<String>,
    /// The value tier (e.g. strategic, key); computed, read-only.
    pub value_tier: Option<String>,
    /// When the latest activity with the customer happened; read-only.
    pub last_activity_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/customers`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    /// Create it even though it looks like a customer that exists (otherwise 409
    /// `possible_duplicate` lists the look-alikes).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_duplicate: bool,
    /// Default `company`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CustomerKind>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<CustomerLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Default `prospect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CustomerSource>,
    /// Absent: the caller owns the new customer. `null`: it goes to the pool. A user id: that user
    /// (a manager within their teams, an administrator anyone; a sales rep only themselves).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_rating: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_fields: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// `PATCH /api/v1/customers/{id}` (JSON Merge Patch). The owner changes only through the
/// `claim`, `release` and `assign` actions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CustomerKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CustomerLevel>))]
    pub level: Option<Option<CustomerLevel>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub category: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CustomerSource>))]
    pub source: Option<Option<CustomerSource>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub website: Option<Option<String>>,
    /// Replaces the whole address; `null` clears it.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Address>))]
    pub address: Option<Option<Address>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub tax_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub credit_rating: Option<Option<String>>,
    /// Replaces the tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Merged into the current values; a `null` value clears that field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub external_id: Option<Option<String>>,
}

/// `POST /api/v1/customers/{id}/assign`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignCustomer {
    /// The new owner; `null` returns the customer to the pool.
    pub owner_id: Option<Uuid>,
}

/// `POST /api/v1/customers/reassign`: every customer of one owner to another, or to the pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReassignCustomers {
    pub from_owner_id: Uuid,
    /// `null` sends them all to the pool.
    pub to_owner_id: Option<Uuid>,
}

/// The answer to a bulk reassignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reassigned {
    /// Always `"reassignment"`.
    pub object: String,
    pub from_owner_id: Uuid,
    pub to_owner_id: Option<Uuid>,
    /// How many customers changed owner.
    pub count: i64,
}

/// Longest name, and longest other free-text field.
pub const NAME_MAX: usize = 200;
pub const FIELD_MAX: usize = 200;
pub const TAG_MAX: usize = 50;
pub const TAGS_MAX: usize = 20;

/// An optional free-text field: when present, non-blank and at most `max` characters.
fn optional_text(errors: &mut Errors, pointer: &str, value: Option<&str>, max: usize) {
    if let Some(v) = value {
        errors.text(pointer, v, max);
    }
}

fn check_tags(errors: &mut Errors, tags: &[String]) {
    if tags.len() > TAGS_MAX {
        errors.add("/tags", "too_many", format!("at most {TAGS_MAX} tags"));
    }
    for (i, tag) in tags.iter().enumerate() {
        errors.text(&format!("/tags/{i}"), tag, TAG_MAX);
    }
}

fn check_address(errors: &mut Errors, address: &Address) {
    let parts = [
        ("country", &address.country),
        ("province", &address.province),
        ("city", &address.city),
        ("street", &address.street),
        ("postcode", &address.postcode),
    ];
    for (name, value) in parts {
        optional_text(errors, &format!("/address/{name}"), value.as_deref(), FIELD_MAX);
    }
}

/// What both a create and an update check of the contact fields.
#[allow(clippy::too_many_arguments)]
fn check_fields(
    errors: &mut Errors,
    industry: Option<&str>,
    category: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
    website: Option<&str>,
    tax_id: Option<&str>,
    credit_rating: Option<&str>,
    external_id: Option<&str>,
) {
    optional_text(errors, "/industry", industry, FIELD_MAX);
    optional_text(errors, "/category", category, FIELD_MAX);
    optional_text(errors, "/website", website, FIELD_MAX);
    optional_text(errors, "/tax_id", tax_id, 50);
    optional_text(errors, "/credit_rating", credit_rating, 20);
    optional_text(errors, "/external_id", external_id, 100);
    if let Some(p) = phone {
        errors.phone("/phone", p);
    }
    if let Some(e) = email {
        errors.email("/email", e);
    }
}

impl CreateCustomer {
    /// The field checks that need no database (custom fields are checked against their
    /// definitions by the server).
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.text("/name", &self.name, NAME_MAX);
        check_fields(
            &mut errors,
            self.industry.as_deref(),
            self.category.as_deref(),
            self.phone.as_deref(),
            self.email.as_deref(),
            self.website.as_deref(),
            self.tax_id.as_deref(),
            self.credit_rating.as_deref(),
            self.external_id.as_deref(),
        );
        if let Some(a) = &self.address {
            check_address(&mut errors, a);
        }
        check_tags(&mut errors, &self.tags);
        errors
    }
}

impl UpdateCustomer {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        if let Some(n) = &self.name {
            errors.text("/name", n, NAME_MAX);
        }
        let set = |v: &Option<Option<String>>| v.as_ref().and_then(|v| v.as_deref()).map(str::to_owned);
        check_fields(
            &mut errors,
            set(&self.industry).as_deref(),
            set(&self.category).as_deref(),
            set(&self.phone).as_deref(),
            set(&self.email).as_deref(),
            set(&self.website).as_deref(),
            set(&self.tax_id).as_deref(),
            set(&self.credit_rating).as_deref(),
            set(&self.external_id).as_deref(),
        );
        if let Some(Some(a)) = &self.address {
            check_address(&mut errors, a);
        }
        if let Some(tags) = &self.tags {
            check_tags(&mut errors, tags);
        }
        errors
    }
}

/// Tags as stored: trimmed, without repeats, in the order given.
pub fn normalize_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let t = t.trim().to_owned();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Legal-form endings that do not tell two companies apart ("华为技术有限公司" is "华为技术").
const LEGAL_SUFFIXES: [&str; 12] = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "公司",
    "limited",
    "company",
    "corp",
    "gmbh",
    "inc",
    "llc",
    "ltd",
];

/// A name as duplicates compare it: lowercase letters and digits only, legal form dropped.
pub fn normalized_name(name: &str) -> String {
    let mut n: String = name.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    // "ACME Trading Co., Ltd." → "acmetradingcoltd" → "acmetradingco" → "acmetrading".
    loop {
        let before = n.len();
        for suffix in LEGAL_SUFFIXES.iter().chain(["co"].iter()) {
            if n.len() > suffix.len() + 1 && n.ends_with(suffix) {
                n.truncate(n.len() - suffix.len());
            }
        }
        if n.len() == before {
            return n;
        }
    }
}

/// The keys that find a customer's possible duplicates: `(kind, value)` of its normalised name,
/// phone (the last 10 digits, so `+86 138…` and `138…` meet), email and tax id.
pub fn match_keys(name: &str, phone: Option<&str>, email: Option<&str>, tax_id: Option<&str>) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    let name = normalized_name(name);
    if name.chars().count() >= 2 {
        keys.push(("name".to_owned(), name));
    }
    if let Some(p) = phone {
        let digits = crate::validate::phone_digits(p);
        if digits.len() >= 7 {
            let tail = digits[digits.len().saturating_sub(10)..].to_owned();
            keys.push(("phone".to_owned(), tail));
        }
    }
    if let Some(e) = email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()) {
        keys.push(("email".to_owned(), e));
    }
    if let Some(t) = tax_id {
        let t: String = t.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_uppercase();
        if !t.is_empty() {
            keys.push(("tax_id".to_owned(), t));
        }
    }
    keys
}

/// `POST /api/v1/customers/{id}/merge`: the duplicate's contacts and activities move to this
/// customer, and the duplicate is deleted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MergeCustomers {
    pub duplicate_id: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_by_normalised_keys() {
        assert_eq!(normalized_name("ACME Trading Co., Ltd."), "acmetrading");
        assert_eq!(normalized_name("acme trading"), "acmetrading");
        assert_eq!(normalized_name("华为技术有限公司"), "华为技术");
        assert_eq!(normalized_name(" 华为 技术 "), "华为技术");
        assert_eq!(normalized_name("Co"), "co");
        let a = match_keys("X", Some("+86 138-0013-8000"), Some(" Li@Example.COM "), Some("9144 0300-x"));
        let b = match_keys("Y", Some("13800138000"), Some("li@example.com"), Some("91440300X"));
        assert_eq!(a, b);
        assert!(match_keys("A", Some("110"), None, None).is_empty());
    }

    #[test]
    fn enums_use_their_wire_names() {
        assert_eq!(serde_json::to_string(&LifecycleStage::NoNeed).unwrap(), "\"no_need\"");
        assert_eq!(CustomerSource::parse("trade_show"), Some(CustomerSource::TradeShow));
        assert_eq!(CustomerLevel::parse("e"), None);
        for l in CustomerLevel::ALL {
            assert_eq!(CustomerLevel::parse(l.as_str()), Some(*l));
        }
    }

    #[test]
    fn creates_are_checked_field_by_field() {
        let body = CreateCustomer {
            name: " ".into(),
            email: Some("nope".into()),
            phone: Some("call me".into()),
            tags: vec!["ok".into(), "".into()],
            ..CreateCustomer::default()
        };
        let pointers: Vec<String> = body.check().0.into_iter().map(|e| e.pointer).collect();
        assert_eq!(pointers, ["/name", "/phone", "/email", "/tags/1"]);
        let good = CreateCustomer {
            name: "华为技术有限公司".into(),
            phone: Some("+86 138-0013-8000".into()),
            ..Default::default()
        };
        assert!(good.check().is_empty());
    }

    #[test]
    fn patches_tell_absent_from_null() {
        let p: UpdateCustomer = serde_json::from_str(r#"{"phone": null, "name": "A"}"#).unwrap();
        assert_eq!(p.phone, Some(None));
        assert_eq!(p.email, None);
        assert!(serde_json::from_str::<UpdateCustomer>(r#"{"owner_id": null}"#).is_err());
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let tags = normalize_tags(&[" vip ".into(), "vip".into(), "".into(), "华东".into()]);
        assert_eq!(tags, ["vip", "华东"]);
    }
}

/// A sum of money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amount {
    pub currency: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4820.00"))]
    pub amount: rust_decimal::Decimal,
}

/// How many related records of each kind a customer has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedCounts {
    pub contacts: i64,
    pub open_tasks: i64,
    pub leads: i64,
    pub open_leads: i64,
    pub quotes: i64,
    pub purchases: i64,
    pub complaints: i64,
    pub open_complaints: i64,
}

/// `GET /api/v1/customers/{id}/overview`: the customer 360 (客户全貌) in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerOverview {
    /// Always `"customer_overview"`.
    pub object: String,
    pub customer: Customer,
    /// The primary contact first, then by name; at most [`OVERVIEW_CONTACTS`].
    pub contacts: Vec<crate::contact::Contact>,
    /// The newest first; at most [`OVERVIEW_ACTIVITIES`].
    pub latest_activities: Vec<crate::activity::Activity>,
    pub counts: RelatedCounts,
    /// What the customer has paid for, per currency (purchases less refunds).
    pub lifetime_revenue: Vec<Amount>,
    /// What the customer still owes, per currency.
    pub balance_due: Vec<Amount>,
    /// Things waiting on someone: open tasks, open leads, open complaints, unpaid purchases.
    pub open_items: i64,
    /// Complaints still being worked on, the next deadline first; at most
    /// [`OVERVIEW_COMPLAINTS`]. While any is open, whoever calls on the customer should know.
    pub open_complaints: Vec<crate::complaint::Complaint>,
}

pub const OVERVIEW_CONTACTS: i64 = 20;
pub const OVERVIEW_ACTIVITIES: i64 = 20;
pub const OVERVIEW_COMPLAINTS: i64 = 10;
