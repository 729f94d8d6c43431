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
