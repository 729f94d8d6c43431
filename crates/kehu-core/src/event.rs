//! The catalog of domain events: every event type the server writes to its outbox, the kind of
//! record each one is about, and what it means. It is closed: the server can only emit what is
//! listed here, so webhook subscriptions and the documentation can list every type there is.
//!
//! An event's `data.object` is the record as the API returns it after the change, except for
//! `complaint.commented`, which carries the new comment.

use crate::entity::EntityKind;
use crate::wire_enum;

/// Declares [`EventType`] from one line per event (variant, wire name, record kind, description)
/// so that a new event cannot be added without saying what it is about and what it means.
macro_rules! event_types {
    ($($variant:ident = $wire:literal, $entity:ident, $doc:literal;)+) => {
        wire_enum! {
            /// A domain event's type, `resource.past_tense`.
            pub enum EventType {
                $(#[doc = $doc] $variant = $wire),+
            }
        }

        impl EventType {
            /// The kind of record the event is about; its `entity_id` is that record's id.
            pub fn entity(self) -> EntityKind {
                match self {
                    $(EventType::$variant => EntityKind::$entity),+
                }
            }

            /// One line on what happened, for the documentation and the event-type listing.
            pub fn description(self) -> &'static str {
                match self {
                    $(EventType::$variant => $doc),+
                }
            }
        }
    };
}

event_types! {
    CustomerCreated = "customer.created", Customer, "A customer was created (in the app, through the API or by an import).";
    CustomerUpdated = "customer.updated", Customer, "A customer's fields changed (an edit, an import update, or a merge into it).";
    CustomerDeleted = "customer.deleted", Customer, "A customer was deleted, or merged into another customer.";
    CustomerAssigned = "customer.assigned", Customer, "A customer changed hands: claimed, assigned, released or recycled to the pool.";

    ProductCreated = "product.created", Product, "A product was added to the catalog.";
    ProductUpdated = "product.updated", Product, "A product changed or was restored.";
    ProductDeleted = "product.deleted", Product, "A product was deleted from the catalog.";

    LeadCreated = "lead.created", Lead, "A lead was created.";
    LeadUpdated = "lead.updated", Lead, "A lead's fields changed.";
    LeadStageChanged = "lead.stage_changed", Lead, "A lead moved to another stage of the pipeline.";
    LeadWon = "lead.won", Lead, "A lead was won (moved to won, or its quote was accepted).";
    LeadLost = "lead.lost", Lead, "A lead was lost.";
    LeadConverted = "lead.converted", Lead, "A prospect lead was converted into a customer.";
    LeadDeleted = "lead.deleted", Lead, "A lead was deleted.";

    QuoteCreated = "quote.created", Quote, "A quote was created as a draft.";
    QuoteUpdated = "quote.updated", Quote, "A draft quote's fields or lines changed.";
    QuoteSubmitted = "quote.submitted", Quote, "A quote was submitted for approval.";
    QuoteApproved = "quote.approved", Quote, "A quote was approved (by a manager, or at once when within the discount limit).";
    QuoteApprovalRejected = "quote.approval_rejected", Quote, "A manager turned down a quote's approval.";
    QuoteSent = "quote.sent", Quote, "A quote was sent to the customer.";
    QuoteAccepted = "quote.accepted", Quote, "The customer accepted a quote; its purchase was made.";
    QuoteRejected = "quote.rejected", Quote, "The customer rejected a quote.";
    QuoteCancelled = "quote.cancelled", Quote, "A quote was cancelled.";
    QuoteRevised = "quote.revised", Quote, "A new revision of a quote was made as a draft; carries the new revision.";

    PurchaseCreated = "purchase.created", Purchase, "A purchase was made, entered directly or by accepting a quote.";
    PurchaseConfirmed = "purchase.confirmed", Purchase, "A purchase was confirmed.";
    PurchaseFulfilled = "purchase.fulfilled", Purchase, "A purchase was fulfilled: what was bought was delivered.";
    PurchaseCompleted = "purchase.completed", Purchase, "A purchase was completed.";
    PurchaseCancelled = "purchase.cancelled", Purchase, "A purchase was cancelled.";
    PurchasePaid = "purchase.paid", Purchase, "A payment was recorded against a purchase.";
    PurchaseReturned = "purchase.returned", Purchase, "Goods of a purchase came back.";

    ComplaintCreated = "complaint.created", Complaint, "A complaint was taken in.";
    ComplaintUpdated = "complaint.updated", Complaint, "A complaint's fields changed.";
    ComplaintAcknowledged = "complaint.acknowledged", Complaint, "A complaint was acknowledged.";
    ComplaintStarted = "complaint.started", Complaint, "Work on a complaint started.";
    ComplaintResolved = "complaint.resolved", Complaint, "A complaint was resolved.";
    ComplaintClosed = "complaint.closed", Complaint, "A resolved complaint was closed.";
    ComplaintReopened = "complaint.reopened", Complaint, "A resolved complaint was reopened, with fresh deadlines.";
    ComplaintAssigned = "complaint.assigned", Complaint, "A complaint was assigned to someone, or back to the queue.";
    ComplaintCommented = "complaint.commented", Complaint, "A comment was added to a complaint; carries the comment, not the complaint.";
    ComplaintEscalated = "complaint.escalated", Complaint, "A complaint missed a deadline and was escalated.";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past tenses of the events that do not end in `-ed`.
    const IRREGULAR: [&str; 4] = ["sent", "paid", "won", "lost"];

    fn is_snake(s: &str) -> bool {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && !s.starts_with('_')
            && !s.ends_with('_')
            && !s.contains("__")
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
    }

    #[test]
    fn names_are_resource_dot_past_tense_of_their_entity() {
        for event in EventType::ALL {
            let name = event.as_str();
            let Some((resource, what)) = name.split_once('.') else {
                panic!("{name}: no `.`");
            };
            assert_eq!(resource, event.entity().as_str(), "{name}: named after another kind");
            assert!(is_snake(what), "{name}: not snake_case");
            assert!(what.ends_with("ed") || IRREGULAR.contains(&what), "{name}: not a past tense");
        }
    }

    #[test]
    fn names_round_trip_and_every_event_is_described() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.as_str()), Some(*event));
            assert_eq!(serde_json::to_value(event).ok(), Some(serde_json::Value::from(event.as_str())));
            let d = event.description();
            assert!(d.ends_with('.') && !d.contains('\n'), "{}: {d}", event.as_str());
        }
        assert_eq!(EventType::parse("customer.exploded"), None);
    }
}
