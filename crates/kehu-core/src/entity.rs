//! The kinds of record Kehu keeps. The audit log and the outbox name a record by its kind and id,
//! and `GET /api/v1/audit-events?entity=…` takes these names.

use crate::wire_enum;

wire_enum! {
    /// A kind of record, as the audit log and the events name it.
    pub enum EntityKind {
        Customer = "customer",
        Contact = "contact",
        Activity = "activity",
        Lead = "lead",
        Product = "product",
        Quote = "quote",
        Purchase = "purchase",
        Complaint = "complaint",
        User = "user",
        Team = "team",
        ApiKey = "api_key",
        /// The company's settings: one record, audited under the nil id.
        Settings = "settings",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for kind in EntityKind::ALL {
            assert_eq!(EntityKind::parse(kind.as_str()), Some(*kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::Value::from(kind.as_str())));
        }
        let mut names: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EntityKind::ALL.len());
    }
}
