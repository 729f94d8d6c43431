//! Field handling shared by the services of user-editable records.

use kehu_core::validate::Errors;
use serde_json::{Map, Value};

/// Custom field values. Administrators define custom fields in settings, which do not exist yet,
/// so every name is unknown for now; the check is here so that no value is stored unvalidated.
pub fn check_custom_fields(errors: &mut Errors, values: &Map<String, Value>) {
    for (name, value) in values {
        // `null` in a patch clears a value and is always allowed.
        if !value.is_null() {
            errors.add(&format!("/custom_fields/{name}"), "unknown_custom_field", "no custom field has this name");
        }
    }
}

/// A text as stored: trimmed, and empty meaning none.
pub fn trimmed(v: Option<&str>) -> Option<String> {
    v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A patch of an optional text: absent stays, `null` or blank clears, text is trimmed.
pub fn patched(v: &Option<Option<String>>) -> Option<Option<String>> {
    v.as_ref().map(|v| trimmed(v.as_deref()))
}

/// Custom field values after a merge patch: `null` removes a value, anything else sets it.
pub fn merge_custom_fields(mut current: Map<String, Value>, patch: &Map<String, Value>) -> Map<String, Value> {
    for (name, value) in patch {
        if value.is_null() {
            current.remove(name);
        } else {
            current.insert(name.clone(), value.clone());
        }
    }
    current
}

pub fn json_text<T: serde::Serialize>(value: &T) -> crate::error::ApiResult<String> {
    serde_json::to_string(value).map_err(crate::error::ApiError::internal)
}
