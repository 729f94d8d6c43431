//! Settings administrators make: custom fields, the pool's recycling, and (with later features)
//! pipeline probabilities, SLA times and value tiers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::complaint::{DEFAULT_REOPEN_DAYS, SlaSettings};
use crate::lead::StageProbabilities;
use crate::patch::present;
use crate::validate::Errors;
use crate::wire_enum;

wire_enum! {
    /// What a custom field holds.
    pub enum CustomFieldKind { Text = "text", Number = "number", Date = "date", Select = "select", Bool = "bool" }
}

/// One custom field of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomFieldDef {
    /// The key in `custom_fields`: lowercase letters, digits and `_`, starting with a letter.
    pub name: String,
    /// What people read, in their language of choice.
    pub label: String,
    pub kind: CustomFieldKind,
    /// A value must be given when a record is created, and cannot be cleared.
    #[serde(default)]
    pub required: bool,
    /// The choices of a `select` field.
    #[serde(default)]
    pub options: Vec<String>,
}

/// Custom fields per resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomFieldSets {
    #[serde(default)]
    pub customers: Vec<CustomFieldDef>,
    #[serde(default)]
    pub contacts: Vec<CustomFieldDef>,
}

/// `GET /api/v1/settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// Always `"settings"`.
    pub object: String,
    /// A customer whose owner has had no activity with it for this many days returns to the pool;
    /// `null` keeps customers with their owners.
    pub pool_recycle_days: Option<i32>,
    /// The win probability a lead gets on entering each open stage.
    pub stage_probabilities: StageProbabilities,
    /// First-response and resolution hours per complaint priority.
    pub sla: SlaSettings,
    /// How many days after its resolution a complaint may be reopened.
    pub complaint_reopen_days: i32,
    pub custom_fields: CustomFieldSets,
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

/// What is stored: the settings without their bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsDocument {
    #[serde(default)]
    pub pool_recycle_days: Option<i32>,
    #[serde(default)]
    pub stage_probabilities: StageProbabilities,
    #[serde(default)]
    pub sla: SlaSettings,
    #[serde(default = "default_reopen_days")]
    pub complaint_reopen_days: i32,
    #[serde(default)]
    pub custom_fields: CustomFieldSets,
}

fn default_reopen_days() -> i32 {
    DEFAULT_REOPEN_DAYS
}

impl Default for SettingsDocument {
    fn default() -> Self {
        SettingsDocument {
            pool_recycle_days: None,
            stage_probabilities: StageProbabilities::default(),
            sla: SlaSettings::default(),
            complaint_reopen_days: DEFAULT_REOPEN_DAYS,
            custom_fields: CustomFieldSets::default(),
        }
    }
}

/// `PATCH /api/v1/settings` (JSON Merge Patch; administrators).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSettings {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub pool_recycle_days: Option<Option<i32>>,
    /// Replaces all four; a lead keeps the probability it has until its stage changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_probabilities: Option<StageProbabilities>,
    /// Replaces all four priorities' hours; open complaints keep their deadlines until their
    /// priority changes or they are reopened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaSettings>,
    /// 1–365.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_reopen_days: Option<i32>,
    /// Replaces the definitions of the resources it names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<CustomFieldSets>,
}

fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 50
}

fn check_defs(errors: &mut Errors, pointer: &str, defs: &[CustomFieldDef]) {
    if defs.len() > 50 {
        errors.add(pointer, "too_many", "at most 50 custom fields per resource");
    }
    for (i, def) in defs.iter().enumerate() {
        let at = format!("{pointer}/{i}");
        if !is_field_name(&def.name) {
            errors.add(
                &format!("{at}/name"),
                "invalid_name",
                "lowercase letters, digits and _, starting with a letter",
            );
        } else if defs[..i].iter().any(|d| d.name == def.name) {
            errors.add(&format!("{at}/name"), "duplicate", "another field has this name");
        }
        errors.text(&format!("{at}/label"), &def.label, 100);
        match def.kind {
            CustomFieldKind::Select if def.options.is_empty() => {
                errors.add(&format!("{at}/options"), "required", "a select field needs options")
            }
            CustomFieldKind::Select => {
                for (j, o) in def.options.iter().enumerate() {
                    errors.text(&format!("{at}/options/{j}"), o, 100);
                }
            }
            _ if !def.options.is_empty() => {
                errors.add(&format!("{at}/options"), "not_allowed", "only select fields have options")
            }
            _ => {}
        }
    }
}

impl UpdateSettings {
    pub fn check(&self) -> Errors {
        let mut errors = Errors::default();
        if let Some(Some(days)) = self.pool_recycle_days
            && !(1..=3650).contains(&days)
        {
            errors.add("/pool_recycle_days", "out_of_range", "must be 1–3650 days, or null for never");
        }
        if let Some(p) = &self.stage_probabilities {
            p.check(&mut errors, "/stage_probabilities");
        }
        if let Some(sla) = &self.sla {
            sla.check(&mut errors, "/sla");
        }
        if let Some(days) = self.complaint_reopen_days
            && !(1..=365).contains(&days)
        {
            errors.add("/complaint_reopen_days", "out_of_range", "must be 1–365 days");
        }
        if let Some(sets) = &self.custom_fields {
            check_defs(&mut errors, "/custom_fields/customers", &sets.customers);
            check_defs(&mut errors, "/custom_fields/contacts", &sets.contacts);
        }
        errors
    }
}

/// Checks custom field values against their definitions. `creating`: required fields must be
/// there. In a patch a `null` clears a value, which a required field refuses.
pub fn check_custom_values(errors: &mut Errors, defs: &[CustomFieldDef], values: &Map<String, Value>, creating: bool) {
    for (name, value) in values {
        let at = format!("/custom_fields/{name}");
        let Some(def) = defs.iter().find(|d| d.name == *name) else {
            errors.add(&at, "unknown_custom_field", "no custom field has this name");
            continue;
        };
        if value.is_null() {
            if def.required {
                errors.add(&at, "required", "this field is required");
            }
            continue;
        }
        let ok = match def.kind {
            CustomFieldKind::Text => value.as_str().is_some_and(|s| s.chars().count() <= 1000),
            CustomFieldKind::Number => value.is_number(),
            CustomFieldKind::Date => value.as_str().is_some_and(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
            CustomFieldKind::Select => value.as_str().is_some_and(|s| def.options.iter().any(|o| o == s)),
            CustomFieldKind::Bool => value.is_boolean(),
        };
        if !ok {
            let expected = match def.kind {
                CustomFieldKind::Text => "text of at most 1000 characters".to_owned(),
                CustomFieldKind::Number => "a number".to_owned(),
                CustomFieldKind::Date => "a date like 2026-11-22".to_owned(),
                CustomFieldKind::Select => format!("one of {}", def.options.join(", ")),
                CustomFieldKind::Bool => "true or false".to_owned(),
            };
            errors.add(&at, "invalid_type", format!("must be {expected}"));
        }
    }
    if creating {
        for def in defs.iter().filter(|d| d.required) {
            if values.get(&def.name).is_none_or(Value::is_null) {
                errors.add(&format!("/custom_fields/{}", def.name), "required", "this field is required");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(name: &str, kind: CustomFieldKind, required: bool, options: &[&str]) -> CustomFieldDef {
        CustomFieldDef {
            name: name.into(),
            label: name.into(),
            kind,
            required,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    #[test]
    fn values_are_checked_against_their_definitions() {
        let defs = vec![
            def("budget", CustomFieldKind::Number, false, &[]),
            def("region", CustomFieldKind::Select, true, &["north", "south"]),
            def("signed_on", CustomFieldKind::Date, false, &[]),
            def("vip", CustomFieldKind::Bool, false, &[]),
        ];
        let mut e = Errors::default();
        let values = json!({"budget": "lots", "signed_on": "2026-13-01", "vip": true, "colour": "red"});
        check_custom_values(&mut e, &defs, values.as_object().unwrap(), true);
        let found: Vec<(String, String)> = e.0.into_iter().map(|f| (f.pointer, f.code)).collect();
        assert!(found.contains(&("/custom_fields/budget".into(), "invalid_type".into())));
        assert!(found.contains(&("/custom_fields/signed_on".into(), "invalid_type".into())));
        assert!(found.contains(&("/custom_fields/colour".into(), "unknown_custom_field".into())));
        assert!(found.contains(&("/custom_fields/region".into(), "required".into())));
        assert_eq!(found.len(), 4);
        let mut ok = Errors::default();
        check_custom_values(&mut ok, &defs, json!({"budget": 12.5, "region": "north"}).as_object().unwrap(), true);
        assert!(ok.is_empty());
    }

    #[test]
    fn definitions_are_checked() {
        let body = UpdateSettings {
            pool_recycle_days: Some(Some(0)),
            stage_probabilities: None,
            sla: None,
            complaint_reopen_days: None,
            custom_fields: Some(CustomFieldSets {
                customers: vec![
                    def("Bad Name", CustomFieldKind::Text, false, &[]),
                    def("pick", CustomFieldKind::Select, false, &[]),
                    def("pick", CustomFieldKind::Text, false, &["x"]),
                ],
                contacts: vec![],
            }),
        };
        let codes: Vec<String> = body.check().0.into_iter().map(|e| format!("{} {}", e.pointer, e.code)).collect();
        assert_eq!(
            codes,
            [
                "/pool_recycle_days out_of_range",
                "/custom_fields/customers/0/name invalid_name",
                "/custom_fields/customers/1/options required",
                "/custom_fields/customers/2/name duplicate",
                "/custom_fields/customers/2/options not_allowed",
            ]
        );
    }
}
