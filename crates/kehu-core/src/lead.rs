//! Leads (销售线索/商机): sales opportunities on their way through the pipeline, new → qualified →
//! proposal → negotiation → won | lost. A lead with a customer is seen by whoever sees the
//! customer; a lead without one (a prospect not yet qualified) by whoever sees its owner's records.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customer::{Amount, CustomerSource};
use crate::money;
use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    /// Where a lead stands in the pipeline.
    pub enum LeadStage {
        New = "new",
        Qualified = "qualified",
        Proposal = "proposal",
        Negotiation = "negotiation",
        Won = "won",
        Lost = "lost",
    }
}

impl LeadStage {
    /// The stages of a lead still being worked, in pipeline order: the board's columns.
    pub const OPEN: [LeadStage; 4] =
        [LeadStage::New, LeadStage::Qualified, LeadStage::Proposal, LeadStage::Negotiation];

    pub fn is_open(self) -> bool {
        !self.is_closed()
    }

    pub fn is_closed(self) -> bool {
        matches!(self, LeadStage::Won | LeadStage::Lost)
    }

    /// The stages a lead in this stage may move to. An open lead moves anywhere (deals skip stages
    /// and fall back); a lost lead may be taken up again at an open stage; a won lead is done: its
    /// revenue is counted, and a new deal is a new lead.
    pub fn next_stages(self) -> &'static [LeadStage] {
        match self {
            LeadStage::New => {
                &[LeadStage::Qualified, LeadStage::Proposal, LeadStage::Negotiation, LeadStage::Won, LeadStage::Lost]
            }
            LeadStage::Qualified => {
                &[LeadStage::New, LeadStage::Proposal, LeadStage::Negotiation, LeadStage::Won, LeadStage::Lost]
            }
            LeadStage::Proposal => {
                &[LeadStage::New, LeadStage::Qualified, LeadStage::Negotiation, LeadStage::Won, LeadStage::Lost]
            }
            LeadStage::Negotiation => {
                &[LeadStage::New, LeadStage::Qualified, LeadStage::Proposal, LeadStage::Won, LeadStage::Lost]
            }
            LeadStage::Lost => &LeadStage::OPEN,
            LeadStage::Won => &[],
        }
    }
}

/// The win probability (percent) a lead gets on entering each open stage, set by administrators.
/// Won is always 100 and lost 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageProbabilities {
    pub new: i32,
    pub qualified: i32,
    pub proposal: i32,
    pub negotiation: i32,
}

impl Default for StageProbabilities {
    fn default() -> Self {
        StageProbabilities { new: 10, qualified: 25, proposal: 50, negotiation: 75 }
    }
}

impl StageProbabilities {
    pub fn of(&self, stage: LeadStage) -> i32 {
        match stage {
            LeadStage::New => self.new,
            LeadStage::Qualified => self.qualified,
            LeadStage::Proposal => self.proposal,
            LeadStage::Negotiation => self.negotiation,
            LeadStage::Won => 100,
            LeadStage::Lost => 0,
        }
    }

    pub fn check(&self, errors: &mut Errors, pointer: &str) {
        for stage in LeadStage::OPEN {
            check_probability(errors, &format!("{pointer}/{}", stage.as_str()), self.of(stage));
        }
    }
}

fn check_probability(errors: &mut Errors, pointer: &str, value: i32) {
    if !(0..=100).contains(&value) {
        errors.add(pointer, "out_of_range", "a probability is a whole percentage from 0 to 100");
    }
}

/// Who a lead is about before it has a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Prospect {
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl Prospect {
    pub fn is_empty(&self) -> bool {
        [&self.company_name, &self.contact_name, &self.phone, &self.email].iter().all(|p| p.is_none())
    }

    fn check(&self, errors: &mut Errors) {
        for (pointer, value) in
            [("/prospect/company_name", &self.company_name), ("/prospect/contact_name", &self.contact_name)]
        {
            if let Some(v) = value {
                errors.text(pointer, v, 200);
            }
        }
        if let Some(p) = &self.phone {
            errors.phone("/prospect/phone", p);
        }
        if let Some(e) = &self.email {
            errors.email("/prospect/email", e);
        }
    }
}

/// When a lead entered a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageEntry {
    pub stage: LeadStage,
    pub entered_at: DateTime<Utc>,
    /// Who moved it; `null` for the server's own moves.
    pub entered_by: Option<Uuid>,
}

/// A lead (`/api/v1/leads`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lead {
    /// Always `"lead"`.
    pub object: String,
    pub id: Uuid,
    pub title: String,
    /// The customer the deal is with; `null` while it is a prospect.
    pub customer_id: Option<Uuid>,
    /// The prospect's details, kept after conversion as where the lead came from.
    pub prospect: Option<Prospect>,
    pub source: Option<CustomerSource>,
    /// Read-only here: changed through `POST /leads/{id}/stage`.
    pub stage: LeadStage,
    /// Win probability in percent: the stage's default unless set on the lead.
    pub probability: i32,
    /// The expected deal size, in `currency`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "120000.00"))]
    pub amount: Option<Decimal>,
    pub currency: Option<String>,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub competitor: Option<String>,
    pub next_step: Option<String>,
    /// Why a lost lead was lost.
    pub lost_reason: Option<String>,
    /// Oldest first; read-only.
    pub stage_history: Vec<StageEntry>,
    /// When it was won or lost; read-only.
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

/// `POST /api/v1/leads`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateLead {
    pub title: String,
    /// A customer the caller may change; otherwise give `prospect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prospect: Option<Prospect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CustomerSource>,
    /// An open stage; default `new`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<LeadStage>,
    /// Default: the stage's probability from the settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub amount: Option<Decimal>,
    /// Required with `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_close_date: Option<NaiveDate>,
    /// Default: the customer's owner, or the caller. A rep may name only themselves; a manager
    /// their teams' members; an administrator anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

/// `PATCH /api/v1/leads/{id}` (JSON Merge Patch). The stage changes only through its action.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateLead {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A customer the caller may change; `null` is refused once set (a deal does not lose its
    /// customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<Uuid>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Prospect>))]
    pub prospect: Option<Option<Prospect>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CustomerSource>))]
    pub source: Option<Option<CustomerSource>>,
    /// `null` goes back to the stage's default.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub probability: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub amount: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub currency: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub expected_close_date: Option<Option<NaiveDate>>,
    /// Hands the lead to another user (a manager within their teams, an administrator anyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Uuid>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub competitor: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub next_step: Option<Option<String>>,
}

/// `POST /api/v1/leads/{id}/stage`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeStage {
    pub stage: LeadStage,
    /// Required when the stage is `lost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_reason: Option<String>,
    /// For an open stage: the lead's new probability; default the stage's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<i32>,
}

/// `POST /api/v1/leads/{id}/convert`: makes the prospect a customer (and its contact a contact).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConvertLead {
    /// Create the customer even though it looks like one that exists (otherwise 409
    /// `possible_duplicate` lists the look-alikes).
    #[serde(default)]
    pub allow_duplicate: bool,
}

/// What a conversion made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadConversion {
    /// Always `"lead_conversion"`.
    pub object: String,
    pub lead: Lead,
    pub customer_id: Uuid,
    /// The contact made from the prospect's contact person, if it named one.
    pub contact_id: Option<Uuid>,
}

/// A pipeline sum in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageTotal {
    pub currency: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Decimal,
    /// Σ amount × probability / 100, each lead rounded to the currency's minor unit.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub weighted_amount: Decimal,
}

impl From<&StageTotal> for Amount {
    fn from(t: &StageTotal) -> Amount {
        Amount { currency: t.currency.clone(), amount: t.amount }
    }
}

/// One column of the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardColumn {
    pub stage: LeadStage,
    /// The stage's default probability.
    pub probability: i32,
    /// Leads in the stage (all of them, not only the cards).
    pub count: i64,
    /// Sums per currency, by currency code; leads without an amount count as nothing.
    pub totals: Vec<StageTotal>,
    /// The first cards, most recently changed first; `GET /leads?stage=…&cursor=next_cursor` goes on.
    pub cards: Vec<Lead>,
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/leads/board`: the open pipeline, a column per open stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadBoard {
    /// Always `"lead_board"`.
    pub object: String,
    pub columns: Vec<BoardColumn>,
}

pub const TEXT_MAX: usize = 500;

/// Checks an amount and its currency together: the currency must be known, and the amount not
/// negative nor finer than the currency's minor unit.
fn check_money(errors: &mut Errors, amount: Option<Decimal>, currency: Option<&str>) {
    let currency = match currency {
        Some(code) => money::check_currency(errors, "/currency", code),
        None if amount.is_some() => {
            errors.add("/currency", "required", "an amount needs its currency");
            None
        }
        None => None,
    };
    if let (Some(amount), Some(currency)) = (amount, currency) {
        money::check_unit_price(errors, "/amount", amount, currency.exponent());
    }
}

impl CreateLead {
    /// Field checks that need no database.
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        errors.text("/title", &self.title, 200);
        match (&self.customer_id, &self.prospect) {
            (None, None) => errors.add("/prospect", "required", "a lead needs a customer or a prospect"),
            (None, Some(p)) if p.company_name.as_deref().is_none_or(|n| n.trim().is_empty()) => {
                errors.add("/prospect/company_name", "required", "a prospect needs a company (or person) name")
            }
            _ => {}
        }
        if let Some(p) = &self.prospect {
            p.check(&mut errors);
        }
        if self.stage.is_some_and(LeadStage::is_closed) {
            errors.add("/stage", "invalid_value", "a new lead starts at an open stage");
        }
        if let Some(p) = self.probability {
            check_probability(&mut errors, "/probability", p);
        }
        check_money(&mut errors, self.amount, self.currency.as_deref());
        check_texts(&mut errors, self.competitor.as_deref(), self.next_step.as_deref());
        errors
    }
}

fn check_texts(errors: &mut Errors, competitor: Option<&str>, next_step: Option<&str>) {
    if let Some(c) = competitor {
        errors.text("/competitor", c, 200);
    }
    if let Some(n) = next_step {
        errors.text("/next_step", n, TEXT_MAX);
    }
}

impl UpdateLead {
    /// Field checks that need no database; `amount` and `currency` are checked as they will be
    /// after the patch (`current_*`).
    pub fn check(&self, current_amount: Option<Decimal>, current_currency: Option<&str>) -> Errors {
        let mut errors = Errors::default();
        if let Some(t) = &self.title {
            errors.text("/title", t, 200);
        }
        if let Some(Some(p)) = &self.prospect {
            p.check(&mut errors);
        }
        if let Some(Some(p)) = self.probability {
            check_probability(&mut errors, "/probability", p);
        }
        let amount = self.amount.unwrap_or(current_amount);
        let currency = self.currency.clone().unwrap_or_else(|| current_currency.map(str::to_owned));
        if self.amount.is_some() || self.currency.is_some() {
            check_money(&mut errors, amount, currency.as_deref());
        }
        let set = |v: &Option<Option<String>>| v.clone().flatten();
        check_texts(&mut errors, set(&self.competitor).as_deref(), set(&self.next_step).as_deref());
        errors
    }
}

impl ChangeStage {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        let reason = self.lost_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        match (self.stage, reason) {
            (LeadStage::Lost, None) => errors.add("/lost_reason", "required", "say why the lead was lost"),
            (LeadStage::Lost, Some(r)) => errors.text("/lost_reason", r, TEXT_MAX),
            (_, Some(_)) => errors.add("/lost_reason", "not_allowed", "only a lost lead has a lost reason"),
            (_, None) => {}
        }
        match (self.stage.is_open(), self.probability) {
            (true, Some(p)) => check_probability(&mut errors, "/probability", p),
            (false, Some(_)) => errors.add("/probability", "not_allowed", "a won lead is 100 % and a lost one 0 %"),
            (_, None) => {}
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn codes(errors: &Errors) -> Vec<(String, String)> {
        errors.0.iter().map(|e| (e.pointer.clone(), e.code.clone())).collect()
    }

    #[test]
    fn stages_move_as_the_pipeline_allows() {
        assert!(LeadStage::New.next_stages().contains(&LeadStage::Won));
        assert!(LeadStage::Negotiation.next_stages().contains(&LeadStage::New));
        assert!(LeadStage::Won.next_stages().is_empty());
        assert_eq!(LeadStage::Lost.next_stages(), &LeadStage::OPEN);
        for stage in LeadStage::ALL {
            assert!(!stage.next_stages().contains(stage), "{stage:?} moves to itself");
        }
    }

    #[test]
    fn probabilities_default_by_stage() {
        let p = StageProbabilities::default();
        let all: Vec<i32> = LeadStage::ALL.iter().map(|s| p.of(*s)).collect();
        assert_eq!(all, vec![10, 25, 50, 75, 100, 0]);
        let mut errors = Errors::default();
        StageProbabilities { proposal: 101, ..p }.check(&mut errors, "/stage_probabilities");
        assert_eq!(codes(&errors), vec![("/stage_probabilities/proposal".to_owned(), "out_of_range".to_owned())]);
    }

    #[test]
    fn a_new_lead_needs_a_customer_or_a_prospect_and_money_in_its_currency() {
        let lead = CreateLead { title: "Fleet renewal".into(), ..CreateLead::default() };
        assert_eq!(codes(&lead.check()), vec![("/prospect".to_owned(), "required".to_owned())]);
        let lead = CreateLead {
            title: "Fleet renewal".into(),
            prospect: Some(Prospect { email: Some("nope".into()), ..Prospect::default() }),
            amount: Some(Decimal::from_str("10.005").unwrap()),
            currency: Some("CNY".into()),
            probability: Some(120),
            stage: Some(LeadStage::Won),
            ..CreateLead::default()
        };
        let found = codes(&lead.check());
        for expected in [
            ("/prospect/company_name", "required"),
            ("/prospect/email", "invalid_email"),
            ("/amount", "too_many_decimals"),
            ("/probability", "out_of_range"),
            ("/stage", "invalid_value"),
        ] {
            assert!(found.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} not in {found:?}");
        }
        let no_currency =
            CreateLead { customer_id: Some(Uuid::nil()), amount: Some(Decimal::ONE), ..CreateLead::default() };
        assert!(codes(&no_currency.check()).contains(&("/currency".to_owned(), "required".to_owned())));
    }

    #[test]
    fn lost_needs_a_reason_and_closed_stages_fix_the_probability() {
        let lost = ChangeStage { stage: LeadStage::Lost, lost_reason: Some("  ".into()), probability: None };
        assert_eq!(codes(&lost.check()), vec![("/lost_reason".to_owned(), "required".to_owned())]);
        let won = ChangeStage { stage: LeadStage::Won, lost_reason: None, probability: Some(90) };
        assert_eq!(codes(&won.check()), vec![("/probability".to_owned(), "not_allowed".to_owned())]);
        let open = ChangeStage { stage: LeadStage::Proposal, lost_reason: None, probability: Some(60) };
        assert!(open.check().is_empty());
    }

    #[test]
    fn a_patch_checks_money_as_it_will_be() {
        let patch = UpdateLead { amount: Some(Some(Decimal::from_str("5.5").unwrap())), ..UpdateLead::default() };
        assert_eq!(
            codes(&patch.check(None, Some("JPY"))),
            vec![("/amount".to_owned(), "too_many_decimals".to_owned())]
        );
        assert!(patch.check(None, Some("CNY")).is_empty());
    }
}
