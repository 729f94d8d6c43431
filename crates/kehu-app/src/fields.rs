//! Field handling shared by the services of user-editable records.

use kehu_core::validate::Errors;
use serde_json::{Map, Value};

/// Custom field values, checked against the definitions administrators made in settings for
/// `resource`. `creating`: required fields must be given.
pub fn check_custom_fields(
    conn: &mut kehu_store::DbConnection,
    errors: &mut Errors,
    resource: &str,
    values: &Map<String, Value>,
    creating: bool,
) -> crate::error::AppResult<()> {
    let defs = crate::settings::custom_fields(conn, resource)?;
    kehu_core::settings::check_custom_values(errors, &defs, values, creating);
    Ok(())
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

pub fn json_text<T: serde::Serialize>(value: &T) -> crate::error::AppResult<String> {
    serde_json::to_string(value).map_err(crate::error::AppError::internal)
}
