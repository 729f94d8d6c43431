//! Users, teams and the audit log, with the generic list, concurrency and idempotency rules.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::{ADMIN_EMAIL, TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::team::{CreateTeam, UpdateTeam};
use kehu_core::user::{CreateUser, Role, UpdateUser};
use serde_json::json;

fn new_user(email: &str, role: Role) -> CreateUser {
    CreateUser {
        email: email.to_owned(),
        name: format!("User {email}"),
        role,
        password: "a long enough password".to_owned(),
        team_id: None,
        locale: None,
        max_discount_percent: None,
        pool_cap: None,
    }
}

async fn sign_in(app: &TestApp, email: &str) -> Client {
    let c = Client::new(&app.base).unwrap();
    c.login(email, "a long enough password").await.unwrap();
    c
}

#[actix_web::test]
async fn admins_create_users_and_others_may_only_read() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let resp = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"email": "Li.Lei@Example.com", "name": "李雷", "role": "sales", "password": "a long enough password", "max_discount_percent": "12.5", "pool_cap": 50}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers().get("etag").unwrap(), "\"1\"");
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/users/{}", body["id"].as_str().unwrap()));
    assert_eq!(body["email"], "li.lei@example.com");
    assert_eq!(body["max_discount_percent"], "12.5");
    assert_eq!(body["pool_cap"], 50);
    assert!(body.get("password").is_none() && body.get("password_hash").is_none());

    let rep = sign_in(&app, "li.lei@example.com").await;
    assert_eq!(rep.me().await.unwrap().role, Role::Sales);
    let all = rep.list_users(&ListQuery::new()).await.unwrap();
    assert_eq!(all.data.len(), 2);
    let err = rep.create_user(&new_user("x@example.com", Role::Sales), &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    let me_id = rep.me().await.unwrap().id.to_string();
    let err = rep
        .update_user(&me_id, &UpdateUser { role: Some(Role::Admin), ..Default::default() }, &WriteOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden), "no one promotes themselves");
    app.stop().await;
}

#[actix_web::test]
async fn bad_user_input_is_refused_with_pointers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let post = |body: serde_json::Value| app.http.post(app.url("/api/v1/users")).bearer_auth(&token).json(&body).send();
    let body = assert_problem(
        post(json!({"email": "not-an-email", "name": " ", "role": "sales", "password": "short", "max_discount_percent": "100.001", "pool_cap": -1}))
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    let pointers: HashSet<String> =
        body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_owned()).collect();
    for p in ["/email", "/name", "/password", "/max_discount_percent", "/pool_cap"] {
        assert!(pointers.contains(p), "{p} missing in {body}");
    }
    let unknown_role = assert_problem(
        post(json!({"email": "a@b.cn", "name": "A", "role": "boss", "password": "a long enough password"}))
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(unknown_role["errors"][0]["pointer"], "/role");
    assert_eq!(unknown_role["errors"][0]["code"], "invalid_value");
    assert_problem(
        post(
            json!({"email": "a@b.cn", "name": "A", "role": "sales", "password": "a long enough password", "owner": 1}),
        )
        .await
        .unwrap(),
        400,
        "unknown_field",
    )
    .await;
    let body = assert_problem(
        post(json!({"email": ADMIN_EMAIL, "name": "A", "role": "sales", "password": "a long enough password"}))
            .await
            .unwrap(),
        409,
        "conflict",
    )
    .await;
    assert_eq!(body["errors"][0]["pointer"], "/email");
    assert_eq!(body["errors"][0]["code"], "taken");
    let body = assert_problem(post(json!({"email": "a@b.cn", "name": "A", "role": "sales", "password": "a long enough password", "team_id": uuid::Uuid::now_v7()})).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "not_found");
    app.stop().await;
}

#[actix_web::test]
async fn stale_if_match_is_412_and_changes_are_audited() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = admin.create_user(&new_user("han@example.com", Role::Sales), &WriteOptions::default()).await.unwrap();
    let id = user.id.to_string();
    let renamed = admin
        .update_user(&id, &UpdateUser { name: Some("韩梅梅".into()), ..Default::default() }, &WriteOptions::if_match(1))
        .await
        .unwrap();
    assert_eq!(renamed.version, 2);
    let resp = app
        .http
        .patch(app.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(admin.token().unwrap())
        .header("if-match", "\"1\"")
        .json(&json!({"name": "lost update"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers().get("etag").unwrap(), "\"2\"");
    let body = assert_problem(resp, 412, "precondition_failed").await;
    assert_eq!(body["current_version"], 2);
    assert_eq!(admin.get_user(&id).await.unwrap().name, "韩梅梅");

    let events =
        admin.list_audit_events(&ListQuery::new().param("entity", "user").param("entity_id", &id)).await.unwrap();
    assert_eq!(events.data.len(), 2, "create and one update: the refused write left no trace");
    let update = &events.data[1];
    assert_eq!(update.changes.len(), 1);
    assert_eq!(update.changes[0].field, "name");
    assert_eq!(update.changes[0].before, json!(format!("User han@example.com")));
    assert_eq!(update.changes[0].after, json!("韩梅梅"));
    assert_eq!(update.actor_id, Some(admin.me().await.unwrap().id));
    assert!(update.request_id.is_some());
    app.stop().await;
}

#[actix_web::test]
async fn deactivation_locks_the_user_out_at_once_but_not_the_last_admin() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = admin.create_user(&new_user("gone@example.com", Role::Manager), &WriteOptions::default()).await.unwrap();
    let leaver = sign_in(&app, "gone@example.com").await;
    leaver.me().await.unwrap();
    let off = admin.deactivate_user(&user.id.to_string(), &WriteOptions::default()).await.unwrap();
    assert!(!off.active);
    assert_eq!(leaver.me().await.unwrap_err().code(), Some(ErrorCode::Unauthenticated));
    assert_eq!(leaver.refresh().await.unwrap_err().code(), Some(ErrorCode::InvalidRefreshToken));
    let again = Client::new(&app.base).unwrap();
    assert_eq!(
        again.login("gone@example.com", "a long enough password").await.unwrap_err().code(),
        Some(ErrorCode::InvalidCredentials)
    );

    let me = admin.me().await.unwrap().id.to_string();
    let err = admin.deactivate_user(&me, &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Conflict));
    let err = admin
        .update_user(&me, &UpdateUser { role: Some(Role::Sales), ..Default::default() }, &WriteOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Conflict));
    app.stop().await;
}

#[actix_web::test]
async fn a_retried_post_with_the_same_idempotency_key_creates_one_user() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let body =
        json!({"email": "once@example.com", "name": "Once", "role": "service", "password": "a long enough password"});
    let send = |b: serde_json::Value| {
        app.http.post(app.url("/api/v1/users")).bearer_auth(&token).header("idempotency-key", "k-123").json(&b).send()
    };
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: serde_json::Value = first.json().await.unwrap();
    let second = send(body.clone()).await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers().get("idempotent-replayed").unwrap(), "true");
    assert!(second.headers().get("location").is_some());
    let second: serde_json::Value = second.json().await.unwrap();
    assert_eq!(first, second);
    let total = admin.list_users(&ListQuery::new().with_total()).await.unwrap().total_count;
    assert_eq!(total, Some(2));
    let other =
        json!({"email": "twice@example.com", "name": "Twice", "role": "service", "password": "a long enough password"});
    assert_problem(send(other).await.unwrap(), 422, "idempotency_key_reused").await;
    // A refused request does not use up its key.
    let resp = app
        .http
        .post(app.url("/api/v1/teams"))
        .bearer_auth(&token)
        .header("idempotency-key", "k-team")
        .json(&json!({"name": ""}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 422, "validation_failed").await;
    let resp = app
        .http
        .post(app.url("/api/v1/teams"))
        .bearer_auth(&token)
        .header("idempotency-key", "k-team")
        .json(&json!({"name": "East"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    app.stop().await;
}

#[actix_web::test]
async fn pages_return_every_row_once_while_rows_are_added() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut initial = HashSet::new();
    initial.insert(admin.me().await.unwrap().id);
    for i in 0..20 {
        let u = admin
            .create_user(&new_user(&format!("u{i:02}@example.com"), Role::Sales), &WriteOptions::default())
            .await
            .unwrap();
        initial.insert(u.id);
    }
    for sort in ["created_at", "-created_at", "name", "-email"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut added = 0;
        loop {
            let mut q = ListQuery::new().limit(6).sort(sort);
            if let Some(c) = &cursor {
                q = q.cursor(c.clone());
            }
            let page = admin.list_users(&q).await.unwrap();
            seen.extend(page.data.iter().map(|u| u.id));
            // Someone adds users between pages.
            for _ in 0..2 {
                added += 1;
                admin
                    .create_user(
                        &new_user(&format!("{sort}-{added}@example.com"), Role::Sales),
                        &WriteOptions::default(),
                    )
                    .await
                    .unwrap();
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let unique: HashSet<_> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: a row came twice");
        assert!(initial.is_subset(&unique), "{sort}: a row that existed throughout was skipped");
        initial = unique.union(&initial).copied().collect();
    }
    app.stop().await;
}

#[actix_web::test]
async fn list_parameters_are_checked() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let get = |q: &'static str| app.http.get(app.url(&format!("/api/v1/users?{q}"))).bearer_auth(&token).send();
    for q in [
        "limit=0",
        "limit=101",
        "limit=x",
        "sort=password_hash",
        "colour=red",
        "cursor=zzz",
        "active=maybe",
        "role=boss",
        "include=everything",
    ] {
        assert_problem(get(q).await.unwrap(), 400, "invalid_parameter").await;
    }
    let page = admin.list_users(&ListQuery::new().sort("name").limit(1)).await.unwrap();
    assert!(page.next_cursor.is_none(), "one user, one page");
    for i in 0..3 {
        admin
            .create_user(&new_user(&format!("p{i}@example.com"), Role::Service), &WriteOptions::default())
            .await
            .unwrap();
    }
    let page = admin.list_users(&ListQuery::new().sort("name").limit(2)).await.unwrap();
    let cursor = page.next_cursor.unwrap();
    let resp = app
        .http
        .get(app.url(&format!("/api/v1/users?sort=email&cursor={cursor}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 400, "invalid_parameter").await;
    let services = admin.list_users(&ListQuery::new().param("role", "service,manager").with_total()).await.unwrap();
    assert_eq!(services.total_count, Some(3));
    let found = admin.list_users(&ListQuery::new().search("P1@EX")).await.unwrap();
    assert_eq!(found.data.len(), 1);
    let none = admin.list_users(&ListQuery::new().search("%")).await.unwrap();
    assert!(none.data.is_empty(), "a % is a literal character, not a wildcard");
    app.stop().await;
}

#[actix_web::test]
async fn teams_form_a_tree_and_are_deleted_softly() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let sales = admin.create_team(&CreateTeam { name: "Sales".into(), ..Default::default() }, &opts).await.unwrap();
    let east = admin
        .create_team(&CreateTeam { name: "East".into(), parent_id: Some(sales.id), manager_id: None }, &opts)
        .await
        .unwrap();
    let err = admin
        .update_team(&sales.id.to_string(), &UpdateTeam { parent_id: Some(Some(east.id)), ..Default::default() }, &opts)
        .await
        .unwrap_err();
    match err {
        kehu_client::ClientError::Api(p) => assert_eq!(p.errors[0].code, "cycle"),
        other => panic!("{other:?}"),
    }
    let children = admin.list_teams(&ListQuery::new().param("parent_id", sales.id.to_string())).await.unwrap();
    assert_eq!(children.data.len(), 1);
    assert_eq!(admin.delete_team(&sales.id.to_string(), &opts).await.unwrap_err().code(), Some(ErrorCode::Conflict));

    let mut member = new_user("east@example.com", Role::Sales);
    member.team_id = Some(east.id);
    let member = admin.create_user(&member, &opts).await.unwrap();
    assert_eq!(admin.delete_team(&east.id.to_string(), &opts).await.unwrap_err().code(), Some(ErrorCode::Conflict));
    admin
        .update_user(&member.id.to_string(), &UpdateUser { team_id: Some(None), ..Default::default() }, &opts)
        .await
        .unwrap();

    let stale = admin.delete_team(&east.id.to_string(), &WriteOptions::if_match(7)).await.unwrap_err();
    assert_eq!(stale.code(), Some(ErrorCode::PreconditionFailed));
    admin.delete_team(&east.id.to_string(), &WriteOptions::if_match(1)).await.unwrap();
    assert_eq!(admin.get_team(&east.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(admin.list_teams(&ListQuery::new()).await.unwrap().data.len(), 1);
    let back = admin.restore_team(&east.id.to_string()).await.unwrap();
    assert_eq!(back.parent_id, Some(sales.id));

    let events = admin
        .list_audit_events(&ListQuery::new().param("entity", "team").param("entity_id", east.id.to_string()))
        .await
        .unwrap();
    let actions: Vec<_> = events.data.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "delete", "restore"]);

    let rep = sign_in(&app, "east@example.com").await;
    assert_eq!(rep.list_teams(&ListQuery::new()).await.unwrap().data.len(), 2);
    assert_eq!(rep.delete_team(&sales.id.to_string(), &opts).await.unwrap_err().code(), Some(ErrorCode::Forbidden));
    assert_eq!(
        rep.list_audit_events(&ListQuery::new().param("entity", "team").param("entity_id", sales.id.to_string()))
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::Forbidden)
    );
    app.stop().await;
}

#[actix_web::test]
async fn users_change_their_own_name_language_and_password() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    admin.create_user(&new_user("self@example.com", Role::Sales), &WriteOptions::default()).await.unwrap();
    let me = sign_in(&app, "self@example.com").await;
    let updated = me
        .update_me(&kehu_core::user::UpdateMe {
            name: Some("Self".into()),
            locale: Some(kehu_core::user::Locale::ZhCn),
        })
        .await
        .unwrap();
    assert_eq!((updated.name.as_str(), updated.locale), ("Self", kehu_core::user::Locale::ZhCn));
    let wrong =
        kehu_core::user::ChangePassword { current: "nope nope nope".into(), new: "a brand new password".into() };
    match me.change_password(&wrong).await.unwrap_err() {
        kehu_client::ClientError::Api(p) => assert_eq!(p.errors[0].pointer, "/current"),
        other => panic!("{other:?}"),
    }
    let weak = kehu_core::user::ChangePassword { current: "a long enough password".into(), new: "short".into() };
    assert_eq!(me.change_password(&weak).await.unwrap_err().code(), Some(ErrorCode::ValidationFailed));
    let good = kehu_core::user::ChangePassword {
        current: "a long enough password".into(),
        new: "a brand new password".into(),
    };
    me.change_password(&good).await.unwrap();
    assert_eq!(me.refresh().await.unwrap_err().code(), Some(ErrorCode::InvalidRefreshToken), "other sessions end");
    let fresh = Client::new(&app.base).unwrap();
    fresh.login("self@example.com", "a brand new password").await.unwrap();
    app.stop().await;
}
