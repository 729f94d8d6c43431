//! Custom fields an administrator defined in the settings: their inputs in a record's form, and
//! their values on the record's page. Inputs hold text as typed; it becomes the JSON the API
//! checks (`/custom_fields/{name}`) only when the form is sent.

use std::cell::RefCell;
use std::collections::HashSet;

use chrono::NaiveDate;
use kehu_core::settings::{CustomFieldDef, CustomFieldKind, CustomFieldSets};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};

use crate::components::form::{Choice, FieldSpec, Input};
use crate::components::time;
use crate::i18n::{I18n, Key};
use crate::session::use_session;

/// Failed fields: a JSON Pointer and its message.
pub type Problems = Vec<(String, Key)>;

/// Which record's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Customers,
    Contacts,
}

impl Resource {
    fn defs(self, sets: CustomFieldSets) -> Vec<CustomFieldDef> {
        match self {
            Resource::Customers => sets.customers,
            Resource::Contacts => sets.contacts,
        }
    }
}

/// The current definitions of `resource`, read when called: empty until they arrive, and empty
/// if they cannot be read (the record's own fields still work; the server still checks).
pub fn load_defs(resource: Resource) -> RwSignal<Vec<CustomFieldDef>> {
    let defs = RwSignal::new(Vec::new());
    let client = use_session().client();
    spawn_local(async move {
        if let Ok(settings) = client.settings().await {
            defs.try_set(resource.defs(settings.custom_fields));
        }
    });
    defs
}

/// A name used as an element id and a JSON Pointer, kept for the life of the page. Field specs
/// take `'static` names; custom fields are few and their names are reused on every form, so each
/// distinct name is stored once.
fn interned(name: String) -> &'static str {
    thread_local! {
        static NAMES: RefCell<HashSet<&'static str>> = RefCell::new(HashSet::new());
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(known) = names.get(name.as_str()) {
            return *known;
        }
        let stored: &'static str = name.leak();
        names.insert(stored);
        stored
    })
}

/// A form's custom field inputs, made when the definitions arrive.
#[derive(Clone, Copy)]
pub struct CustomInputs {
    inputs: RwSignal<Vec<(CustomFieldDef, RwSignal<String>)>>,
}

impl CustomInputs {
    /// Inputs for `resource`, starting from a record's `values` (empty for a new record).
    pub fn new(resource: Resource, values: Map<String, Value>) -> CustomInputs {
        let defs = load_defs(resource);
        let inputs = RwSignal::new(Vec::new());
        Effect::new(move |_| {
            let fields = defs
                .get()
                .into_iter()
                .map(|def| {
                    let start = values.get(&def.name).map(as_text).unwrap_or_default();
                    (def, RwSignal::new(start))
                })
                .collect();
            inputs.set(fields);
        });
        CustomInputs { inputs }
    }

    /// Whether there are fields to show; reactive.
    pub fn is_empty(&self) -> bool {
        self.inputs.with(Vec::is_empty)
    }

    /// The fields, drawn like the record's own; reactive.
    pub fn specs(&self, prefix: &'static str) -> Vec<FieldSpec> {
        self.inputs.get().into_iter().map(|(def, value)| spec(prefix, &def, value)).collect()
    }

    /// The values typed, for a new record: blanks left out. Text that is not a value of the
    /// field's kind is reported at its pointer.
    pub fn values(&self) -> Result<Map<String, Value>, Problems> {
        let mut values = Map::new();
        let mut errors = Vec::new();
        for (def, text) in self.inputs.get_untracked() {
            match parse(&def, &text.get_untracked()) {
                Ok(Some(v)) => {
                    values.insert(def.name.clone(), v);
                }
                Ok(None) if def.required => errors.push((pointer(&def), Key::ErrRequired)),
                Ok(None) => {}
                Err(key) => errors.push((pointer(&def), key)),
            }
        }
        if errors.is_empty() { Ok(values) } else { Err(errors) }
    }

    /// A merge patch of the values that differ from `old`: a cleared field is `null`. `None`
    /// when nothing changed.
    pub fn changes(&self, old: &Map<String, Value>) -> Result<Option<Map<String, Value>>, Problems> {
        let mut patch = Map::new();
        let mut errors = Vec::new();
        for (def, text) in self.inputs.get_untracked() {
            match parse(&def, &text.get_untracked()) {
                Ok(new) => {
                    let before = old.get(&def.name).filter(|v| !v.is_null());
                    if new.as_ref() != before {
                        if new.is_none() && def.required {
                            errors.push((pointer(&def), Key::ErrRequired));
                        }
                        patch.insert(def.name.clone(), new.unwrap_or(Value::Null));
                    }
                }
                Err(key) => errors.push((pointer(&def), key)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((!patch.is_empty()).then_some(patch))
    }
}

/// A result as its value and its problems, so the problems join the rest of a form's.
pub fn split<T>(result: Result<T, Problems>) -> (Option<T>, Problems) {
    match result {
        Ok(v) => (Some(v), Vec::new()),
        Err(problems) => (None, problems),
    }
}

fn pointer(def: &CustomFieldDef) -> String {
    format!("/custom_fields/{}", def.name)
}

fn spec(prefix: &'static str, def: &CustomFieldDef, value: RwSignal<String>) -> FieldSpec {
    let id = interned(format!("{prefix}-cf-{}", def.name));
    let at = interned(pointer(def));
    let field = match def.kind {
        CustomFieldKind::Text => FieldSpec::text(Key::Optional, id, at, value),
        CustomFieldKind::Number => FieldSpec::text(Key::Optional, id, at, value).input(Input::Decimal),
        CustomFieldKind::Date => FieldSpec::text(Key::Optional, id, at, value).input(Input::Date),
        // "Not set" is offered even when a value is required: it is what the field holds until
        // one is picked, and the check says so.
        CustomFieldKind::Select => {
            let options = def.options.iter().map(|o| Choice::text(o.clone(), o.clone()));
            FieldSpec::select(Key::Optional, id, at, value, std::iter::once(not_set()).chain(options).collect())
        }
        CustomFieldKind::Bool => {
            let options = [not_set(), Choice::key("true", Key::Yes), Choice::key("false", Key::No)];
            FieldSpec::select(Key::Optional, id, at, value, options.into())
        }
    };
    field.labelled(def.label.clone()).optional(!def.required)
}

fn not_set() -> Choice {
    Choice::key("", Key::NotSet)
}

/// A stored value as the input shows it.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The input's text as the value the API takes; `None` for a blank.
fn parse(def: &CustomFieldDef, text: &str) -> Result<Option<Value>, Key> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match def.kind {
        CustomFieldKind::Text | CustomFieldKind::Select => Ok(Some(Value::String(text.to_owned()))),
        CustomFieldKind::Date => Ok(Some(Value::String(text.to_owned()))),
        CustomFieldKind::Bool => Ok(Some(Value::Bool(text == "true"))),
        // A decimal comma is what many people type; JSON wants a point.
        CustomFieldKind::Number => match serde_json::from_str::<Value>(&text.replace(',', ".")) {
            Ok(n @ Value::Number(_)) => Ok(Some(n)),
            _ => Err(Key::ErrNotANumber),
        },
    }
}

/// A record's custom values for its page: label and value, in the definitions' order; fields
/// without a value are left out.
pub fn shown_values(i18n: I18n, defs: &[CustomFieldDef], values: &Map<String, Value>) -> Vec<(String, String)> {
    defs.iter()
        .filter_map(|def| {
            let value = values.get(&def.name).filter(|v| !v.is_null())?;
            let text = match (def.kind, value) {
                (CustomFieldKind::Bool, Value::Bool(b)) => i18n.t(if *b { Key::Yes } else { Key::No }).to_owned(),
                // Noon UTC is the same calendar day in every time zone the reader may be in.
                (CustomFieldKind::Date, Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(12, 0, 0))
                    .map_or_else(|| s.clone(), |t| time::day(t.and_utc(), i18n.lang())),
                _ => as_text(value),
            };
            Some((def.label.clone(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(kind: CustomFieldKind) -> CustomFieldDef {
        CustomFieldDef { name: "f".into(), label: "F".into(), kind, required: false, options: vec![] }
    }

    #[test]
    fn typed_text_becomes_the_api_value() {
        assert_eq!(parse(&def(CustomFieldKind::Number), " 12,5 "), Ok(Some(serde_json::json!(12.5))));
        assert_eq!(parse(&def(CustomFieldKind::Number), "12 units"), Err(Key::ErrNotANumber));
        assert_eq!(parse(&def(CustomFieldKind::Bool), "false"), Ok(Some(Value::Bool(false))));
        assert_eq!(parse(&def(CustomFieldKind::Text), "   "), Ok(None));
        assert_eq!(as_text(&serde_json::json!(3)), "3");
        assert_eq!(as_text(&Value::Bool(true)), "true");
    }
}
