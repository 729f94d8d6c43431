//! JSON Merge Patch (RFC 7396) fields: absent means "leave as is", `null` means "clear".

use serde::{Deserialize, Deserializer};

/// Deserializes a present field (even `null`) as `Some(value)`; with `#[serde(default)]` an absent
/// field stays `None`. So `Option<Option<T>>` tells absent, `null` and a value apart.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
