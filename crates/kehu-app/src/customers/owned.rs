//! The registry of the resources a customer owns: contacts, activities, leads, quotes, purchases
//! and complaints. The code that treats them alike (a record's history, merging customers, the
//! 360 view's counts) goes through [`OWNED`], so a new resource of a customer's is one entry here
//! rather than one more arm in each of those places.

use chrono::NaiveDateTime;
use kehu_core::EntityKind;
use kehu_core::api_key::Scope;
use kehu_core::customer::RelatedCounts;
use kehu_store::error::StoreResult;
use kehu_store::{DbConnection, Visibility};
use uuid::Uuid;

/// Whether the caller (by its visibility) sees record `id`.
pub type Visible = fn(&mut DbConnection, &Visibility, Uuid) -> StoreResult<bool>;

/// One kind of record that belongs to a customer, and what the generic code needs of it.
pub struct Owned {
    pub kind: EntityKind,
    /// The plural the API and the scopes name it by (`contacts`); a merge's audit entry reports
    /// `<collection>_moved`.
    pub collection: &'static str,
    /// The scope that reads these records: their history and their part of the 360 view.
    pub read_scope: Scope,
    pub visible: Visible,
    /// Moves every record of customer `from` to customer `to` (a merge); returns how many moved.
    pub move_all: fn(&mut DbConnection, Uuid, Uuid, NaiveDateTime) -> StoreResult<usize>,
    /// Fills this resource's numbers in a customer's 360 view, as the caller sees them.
    pub count: fn(&mut DbConnection, &Visibility, Uuid, &mut RelatedCounts) -> StoreResult<()>,
}

/// Every resource a customer owns, in the order a merge moves them.
pub static OWNED: [Owned; 6] = [
    Owned {
        kind: EntityKind::Contact,
        collection: "contacts",
        read_scope: Scope::ContactsRead,
        visible: |conn, vis, id| Ok(kehu_store::contacts::find(conn, vis, id)?.is_some()),
        move_all: kehu_store::contacts::move_all,
        count: |conn, vis, customer, counts| {
            counts.contacts = kehu_store::contacts::count_for_customer(conn, vis, customer)?;
            Ok(())
        },
    },
    Owned {
        kind: EntityKind::Activity,
        collection: "activities",
        read_scope: Scope::ActivitiesRead,
        visible: |conn, vis, id| Ok(kehu_store::activities::find(conn, vis, id)?.is_some()),
        move_all: kehu_store::activities::move_all,
        count: |conn, vis, customer, counts| {
            counts.open_tasks = kehu_store::activities::open_tasks_for_customer(conn, vis, customer)?;
            Ok(())
        },
    },
    Owned {
        kind: EntityKind::Lead,
        collection: "leads",
        read_scope: Scope::LeadsRead,
        visible: |conn, vis, id| Ok(kehu_store::leads::find(conn, vis, id)?.is_some()),
        move_all: kehu_store::leads::move_all,
        count: |conn, vis, customer, counts| {
            (counts.leads, counts.open_leads) = kehu_store::leads::counts_for_customer(conn, vis, customer)?;
            Ok(())
        },
    },
    Owned {
        kind: EntityKind::Quote,
        collection: "quotes",
        read_scope: Scope::QuotesRead,
        visible: |conn, vis, id| Ok(kehu_store::quotes::find(conn, vis, id)?.is_some()),
        move_all: kehu_store::quotes::move_all,
        count: |conn, vis, customer, counts| {
            counts.quotes = kehu_store::quotes::count_for_customer(conn, vis, customer)?;
            Ok(())
        },
    },
    Owned {
        kind: EntityKind::Purchase,
        collection: "purchases",
        read_scope: Scope::PurchasesRead,
        visible: |conn, vis, id| Ok(kehu_store::purchases::find(conn, vis, id)?.is_some()),
        move_all: kehu_store::purchases::move_all,
        count: |conn, vis, customer, counts| {
            counts.purchases = kehu_store::purchases::count_for_customer(conn, vis, customer)?;
            Ok(())
        },
    },
    Owned {
        kind: EntityKind::Complaint,
        collection: "complaints",
        read_scope: Scope::ComplaintsRead,
        visible: |conn, vis, id| Ok(kehu_store::complaints::find(conn, vis, id)?.is_some()),
        move_all: kehu_store::complaints::move_all,
        count: |conn, vis, customer, counts| {
            (counts.complaints, counts.open_complaints) =
                kehu_store::complaints::counts_for_customer(conn, vis, customer)?;
            Ok(())
        },
    },
];

/// The registry entry of `kind`, if a customer owns records of that kind.
pub fn of(kind: EntityKind) -> Option<&'static Owned> {
    OWNED.iter().find(|o| o.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_once_with_its_own_read_scope() {
        for (i, o) in OWNED.iter().enumerate() {
            assert!(OWNED[..i].iter().all(|p| p.kind != o.kind), "{:?} twice", o.kind);
            assert_eq!(Some(o.read_scope), Scope::of(o.collection, false), "{:?}", o.kind);
            assert!(of(o.kind).is_some_and(|p| std::ptr::eq(p, o)));
        }
        assert!(of(EntityKind::Customer).is_none());
    }
}
