//! API keys: scopes within the owner's role, revocation and expiry take effect on the next call.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::user::{CreateUser, Role};
use serde_json::json;

async fn create_key(app: &TestApp, session: &str, body: serde_json::Value) -> reqwest::Response {
    app.http.post(app.url("/api/v1/api-keys")).bearer_auth(session).json(&body).send().await.unwrap()
}

#[actix_web::test]
async fn a_read_only_key_reads_but_cannot_write() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let session = admin.token().unwrap();
    let resp = create_key(&app, &session, json!({"name": "Reporting", "scopes": ["users:read"]})).await;
    assert_eq!(resp.status(), 201);
    let created: serde_json::Value = resp.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("kehu_") && secret.len() > 40);
    assert_eq!(created["prefix"], &secret[..12]);
    assert_eq!(created["object"], "api_key");

    let key = Client::new(&app.base).unwrap().with_token(secret.clone());
    assert_eq!(key.list_users(&ListQuery::new()).await.unwrap().data.len(), 1);
    let write = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&secret)
        .json(&json!({"email": "k@example.com", "name": "K", "role": "sales", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_problem(write, 403, "insufficient_scope").await;
    let me_id = admin.me().await.unwrap().id;
    let patch = app
        .http
        .patch(app.url(&format!("/api/v1/users/{me_id}")))
        .bearer_auth(&secret)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(patch, 403, "insufficient_scope").await;
    let teams = app.http.get(app.url("/api/v1/teams")).bearer_auth(&secret).send().await.unwrap();
    assert_problem(teams, 403, "insufficient_scope").await;
    // A key cannot mint or list keys.
    assert_problem(create_key(&app, &secret, json!({"name": "x", "scopes": ["users:read"]})).await, 403, "forbidden")
        .await;
    let me = key.me().await.unwrap();
    assert_eq!(me.scopes, vec!["users:read".to_owned()]);

    // The listing shows the key, when it was last used, and never the secret.
    let listed: serde_json::Value =
        app.http.get(app.url("/api/v1/api-keys")).bearer_auth(&session).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert!(listed["data"][0]["last_used_at"].is_string());
    assert!(!listed.to_string().contains(&secret[12..]));
    app.stop().await;
}

#[actix_web::test]
async fn a_revoked_or_expired_key_is_refused_on_its_next_call() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let session = admin.token().unwrap();
    let created: serde_json::Value =
        create_key(&app, &session, json!({"name": "Sync", "scopes": ["users:read", "users:write"]}))
            .await
            .json()
            .await
            .unwrap();
    let secret = created["secret"].as_str().unwrap();
    let key = Client::new(&app.base).unwrap().with_token(secret);
    // A write with the key is audited as the key's.
    let made = key
        .create_user(
            &CreateUser {
                email: "bykey@example.com".into(),
                name: "By key".into(),
                role: Role::Sales,
                password: "a long enough password".into(),
                team_id: None,
                locale: None,
                max_discount_percent: None,
                pool_cap: None,
            },
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    let events = admin
        .list_audit_events(&ListQuery::new().param("entity", "user").param("entity_id", made.id.to_string()))
        .await
        .unwrap();
    assert_eq!(events.data[0].api_key_id.map(|id| id.to_string()), created["id"].as_str().map(str::to_owned));

    let revoke = app
        .http
        .delete(app.url(&format!("/api/v1/api-keys/{}", created["id"].as_str().unwrap())))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let resp = app.http.get(app.url("/api/v1/users")).bearer_auth(secret).send().await.unwrap();
    assert_problem(resp, 401, "unauthenticated").await;

    // Expiry is judged by the server's clock, which the test moves rather than waiting.
    let soon = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &(app.clock.now() + chrono::Duration::seconds(2)));
    let soon = soon.to_rfc3339();
    let short: serde_json::Value =
        create_key(&app, &session, json!({"name": "Brief", "scopes": ["users:read"], "expires_at": soon}))
            .await
            .json()
            .await
            .unwrap();
    let short_secret = short["secret"].as_str().unwrap();
    assert_eq!(app.http.get(app.url("/api/v1/users")).bearer_auth(short_secret).send().await.unwrap().status(), 200);
    app.clock.advance(chrono::Duration::milliseconds(2300));
    let resp = app.http.get(app.url("/api/v1/users")).bearer_auth(short_secret).send().await.unwrap();
    assert_problem(resp, 401, "unauthenticated").await;

    let forged = format!("{}x", &short_secret[..short_secret.len() - 1]);
    let resp = app.http.get(app.url("/api/v1/users")).bearer_auth(forged).send().await.unwrap();
    assert_problem(resp, 401, "unauthenticated").await;
    app.stop().await;
}

#[actix_web::test]
async fn keys_carry_no_more_than_their_owners_role() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let rep = admin
        .create_user(
            &CreateUser {
                email: "rep@example.com".into(),
                name: "Rep".into(),
                role: Role::Sales,
                password: "a long enough password".into(),
                team_id: None,
                locale: None,
                max_discount_percent: None,
                pool_cap: None,
            },
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    let rep_client = Client::new(&app.base).unwrap();
    rep_client.login("rep@example.com", "a long enough password").await.unwrap();
    let session = rep_client.token().unwrap();
    let body = assert_problem(
        create_key(
            &app,
            &session,
            json!({"name": "Too much", "scopes": ["users:write", "customers:read", "nonsense"]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["exceeds_role", "unknown_scope"]);
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    assert_problem(
        create_key(&app, &session, json!({"name": "Old", "scopes": ["users:read"], "expires_at": past})).await,
        422,
        "validation_failed",
    )
    .await;

    let created: serde_json::Value =
        create_key(&app, &session, json!({"name": "Mine", "scopes": ["users:read"]})).await.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    // The admin sees the rep's key; another user would not.
    let seen = app
        .http
        .get(app.url(&format!("/api/v1/api-keys/{}", created["id"].as_str().unwrap())))
        .bearer_auth(admin.token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(seen.status(), 200);
    // Deactivating the owner stops the key too.
    admin.deactivate_user(&rep.id.to_string(), &WriteOptions::default()).await.unwrap();
    let resp = app.http.get(app.url("/api/v1/users")).bearer_auth(&secret).send().await.unwrap();
    assert_problem(resp, 401, "unauthenticated").await;
    app.stop().await;
}
