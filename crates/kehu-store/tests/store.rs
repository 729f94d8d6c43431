//! The store against real databases: a temp SQLite file always, and PostgreSQL when
//! `KEHU_TEST_PG_URL` is set (a fresh database, dropped afterwards).

#![allow(clippy::unwrap_used)]

use diesel::prelude::*;
use kehu_store::sessions::{self, RefreshToken};
use kehu_store::types::Id;
use kehu_store::users::{self, NewUser};
use kehu_store::{Backend, DbConnection, Store, StoreError, new_id, now, secrets};

/// Runs `check` on every backend the environment offers.
fn on_each_backend(check: impl Fn(&mut DbConnection, Backend)) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::connect(&dir.path().join("t.db").to_string_lossy(), 2).unwrap();
    sqlite.migrate().unwrap();
    check(&mut sqlite.conn().unwrap(), Backend::Sqlite);

    if let Some(url) = std::env::var("KEHU_TEST_PG_URL").ok().filter(|u| !u.is_empty()) {
        let name = format!("kehu_store_{}", new_id().simple());
        let mut admin = PgConnection::establish(&url).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).unwrap();
        let db_url = match url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("KEHU_TEST_PG_URL needs a database path"),
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let pg = Store::connect(&db_url, 2).unwrap();
            assert_eq!(pg.backend(), Backend::Postgres);
            pg.migrate().unwrap();
            check(&mut pg.conn().unwrap(), Backend::Postgres);
        }));
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).unwrap();
        if let Err(panic) = result {
            std::panic::resume_unwind(panic);
        }
    }
}

fn user(email: &str) -> NewUser<'_> {
    let t = now();
    NewUser {
        id: Id(new_id()),
        email,
        name: "Test",
        password_hash: "x",
        role: "sales",
        team_id: None,
        locale: "zh-CN",
        active: true,
        version: 1,
        created_at: t,
        updated_at: t,
        created_by: None,
        updated_by: None,
        max_discount_e4: 0,
        pool_cap: None,
    }
}

#[test]
fn users_round_trip_and_emails_are_unique() {
    on_each_backend(|conn, backend| {
        let new = user("li.lei@example.com");
        let saved = users::insert(conn, &new).unwrap();
        assert_eq!(saved.id, new.id, "{backend:?}");
        assert_eq!(saved.created_at, new.created_at, "timestamps survive to the microsecond");
        let found = users::find_by_email(conn, " LI.LEI@example.com ").unwrap().unwrap();
        assert_eq!(found.id, new.id);
        let me = found.to_me(vec![]).unwrap();
        assert_eq!(me.locale, kehu_core::user::Locale::ZhCn);
        assert!(users::find_by_id(conn, new_id()).unwrap().is_none());
        match users::insert(conn, &user("li.lei@example.com")) {
            Err(StoreError::Conflict(_)) => {}
            other => panic!("{backend:?}: expected a conflict, got {other:?}"),
        }
        assert!(!users::has_admin(conn).unwrap());
    });
}

#[test]
fn a_refresh_token_is_spent_once_and_families_revoke_together() {
    on_each_backend(|conn, backend| {
        let owner = users::insert(conn, &user("han.meimei@example.com")).unwrap();
        let family = new_id();
        let t = now();
        let token = |hash: &str| RefreshToken {
            id: Id(new_id()),
            user_id: owner.id,
            family_id: Id(family),
            token_hash: hash.to_owned(),
            expires_at: t,
            created_at: t,
            used_at: None,
            revoked_at: None,
        };
        let a = token("hash-a");
        sessions::insert(conn, &a).unwrap();
        sessions::insert(conn, &token("hash-b")).unwrap();
        assert!(sessions::mark_used(conn, a.id.0, t).unwrap(), "{backend:?}");
        assert!(!sessions::mark_used(conn, a.id.0, t).unwrap(), "a spent token cannot be spent again");
        assert_eq!(sessions::revoke_family(conn, family, t).unwrap(), 2);
        assert_eq!(sessions::revoke_family(conn, family, t).unwrap(), 0);
        assert!(sessions::find_by_hash(conn, "hash-b").unwrap().unwrap().revoked_at.is_some());
    });
}

#[test]
fn a_secret_is_made_once() {
    on_each_backend(|conn, _| {
        let first = secrets::get_or_create(conn, "k", || "one".to_owned()).unwrap();
        let second = secrets::get_or_create(conn, "k", || "two".to_owned()).unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
    });
}

#[test]
fn product_money_is_exact_and_live_skus_are_unique_in_any_case() {
    use kehu_store::products::{self, CostView, Product, ProductChanges};
    on_each_backend(|conn, backend| {
        let t = now();
        let row = |sku: &str| Product {
            id: Id(new_id()),
            sku: sku.to_owned(),
            sku_key: sku.to_lowercase(),
            name: "Pump".to_owned(),
            unit: "pcs".to_owned(),
            currency: "CNY".to_owned(),
            // 12345678901.99 and the largest amount a BIGINT × 10⁴ holds: past 2⁵³, so a REAL
            // or a float on the way would lose the last digits.
            list_price_e4: 123_456_789_019_900,
            cost_e4: Some(i64::MAX),
            active: true,
            search_text: products::search_text(sku, "Pump"),
            version: 1,
            created_at: t,
            updated_at: t,
            created_by: None,
            updated_by: None,
            deleted_at: None,
        };
        let saved = products::insert(conn, &row("PUMP-1")).unwrap();
        assert_eq!((saved.list_price_e4, saved.cost_e4), (123_456_789_019_900, Some(i64::MAX)), "{backend:?}");
        let wire = saved.to_wire(CostView::Shown).unwrap();
        assert_eq!(wire.list_price.to_string(), "12345678901.99");
        assert_eq!(wire.cost.unwrap().to_string(), "922337203685477.58");
        assert_eq!(saved.to_wire(CostView::Hidden).unwrap().cost, None);
        match products::insert(conn, &row("pump-1")) {
            Err(StoreError::Conflict(_)) => {}
            other => panic!("{backend:?}: expected a conflict, got {other:?}"),
        }
        // Once deleted, the SKU is free again.
        let deleted = ProductChanges { deleted_at: Some(Some(t)), ..ProductChanges::default() };
        products::update(conn, saved.id.0, 1, &deleted).unwrap();
        assert!(products::find_by_sku_key(conn, "pump-1").unwrap().is_none());
        products::insert(conn, &row("Pump-1")).unwrap();
        let restore = ProductChanges { deleted_at: Some(None), ..ProductChanges::default() };
        match products::update(conn, saved.id.0, 2, &restore) {
            Err(StoreError::Conflict(_)) => {}
            other => panic!("{backend:?}: expected a conflict, got {other:?}"),
        }
    });
}
