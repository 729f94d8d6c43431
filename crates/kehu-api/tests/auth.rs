//! Signing in, tokens and sessions, over HTTP against the real app.

#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, TestApp, assert_problem, refresh_cookie};
use kehu_core::ErrorCode;
use kehu_core::user::Role;
use serde_json::json;

#[actix_web::test]
async fn login_returns_a_token_that_opens_me() {
    let app = TestApp::spawn().await;
    let tokens = app.client.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    let me = app.client.me().await.unwrap();
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.role, Role::Admin);
    assert_eq!(me.object, "user");
    assert!(me.scopes.contains(&"admin".to_owned()));
    app.stop().await;
}

#[actix_web::test]
async fn login_is_case_insensitive_on_email_and_sets_a_strict_http_only_cookie() {
    let app = TestApp::spawn().await;
    let resp = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "  ADMIN@Example.com ", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let set_cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/api/v1/auth"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http must not set Secure: {set_cookie}");
    app.stop().await;
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_are_the_same_401() {
    let app = TestApp::spawn().await;
    for (email, password) in [(ADMIN_EMAIL, "wrong password"), ("nobody@example.com", ADMIN_PASSWORD)] {
        let resp = app
            .http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert!(refresh_cookie(&resp).is_none());
        assert_eq!(resp.headers().get("www-authenticate").unwrap(), "Bearer");
        let body = assert_problem(resp, 401, "invalid_credentials").await;
        assert!(!body.to_string().contains(password));
    }
    let err = app.client.login(ADMIN_EMAIL, "nope").await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidCredentials));
    app.stop().await;
}

#[actix_web::test]
async fn bad_bodies_are_400_413_415() {
    let app = TestApp::spawn().await;
    let post = |body: &'static str, ct: &'static str| {
        app.http.post(app.url("/api/v1/auth/login")).header("content-type", ct).body(body).send()
    };
    assert_problem(post("{\"email\": ", "application/json").await.unwrap(), 400, "malformed_request").await;
    assert_problem(post("[1,2]", "application/json").await.unwrap(), 400, "malformed_request").await;
    let missing =
        assert_problem(post("{\"email\":\"a@b.c\"}", "application/json").await.unwrap(), 422, "validation_failed")
            .await;
    assert_eq!(missing["errors"][0]["pointer"], "/password");
    assert_eq!(missing["errors"][0]["code"], "required");
    let body = assert_problem(
        post("{\"email\":\"a@b.c\",\"password\":\"x\",\"role\":\"admin\"}", "application/json").await.unwrap(),
        400,
        "unknown_field",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("role"));
    assert_problem(post("email=a", "application/x-www-form-urlencoded").await.unwrap(), 415, "unsupported_media_type")
        .await;
    let huge = format!("{{\"email\":\"{}\",\"password\":\"x\"}}", "a".repeat(100_000));
    let resp = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 413, "payload_too_large").await;
    app.stop().await;
}

/// A token with the given header and claims: signed with `secret` (HS256), or unsigned.
fn forge(header: serde_json::Value, claims: serde_json::Value, secret: Option<&[u8]>) -> String {
    match secret {
        Some(key) => {
            let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
            jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(key)).unwrap()
        }
        None => {
            let h = URL_SAFE_NO_PAD.encode(header.to_string());
            let c = URL_SAFE_NO_PAD.encode(claims.to_string());
            format!("{h}.{c}.")
        }
    }
}

#[actix_web::test]
async fn expired_tampered_unsigned_and_missing_tokens_are_401() {
    let app = TestApp::spawn().await;
    let (token, _) = app.raw_login().await;
    let me = app.client.clone().with_token(token.clone()).me().await.unwrap();
    let now = chrono::Utc::now().timestamp();

    let expired = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        json!({"sub": me.id, "iat": now - 7200, "exp": now - 3600, "iss": "kehu"}),
        Some(JWT_SECRET.as_bytes()),
    );
    let wrong_key = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        json!({"sub": me.id, "iat": now, "exp": now + 600, "iss": "kehu"}),
        Some(b"some other secret entirely, not ours"),
    );
    let alg_none = forge(
        json!({"alg": "none", "typ": "JWT"}),
        json!({"sub": me.id, "iat": now, "exp": now + 600, "iss": "kehu"}),
        None,
    );
    // Flip one character of the payload: the signature no longer matches.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut payload: Vec<char> = parts[1].chars().collect();
    payload[5] = if payload[5] == 'A' { 'B' } else { 'A' };
    parts[1] = payload.into_iter().collect();
    let tampered = parts.join(".");

    for bad in [expired, wrong_key, alg_none, tampered, "not-a-jwt".to_owned()] {
        let resp = app.http.get(app.url("/api/v1/me")).bearer_auth(&bad).send().await.unwrap();
        assert_problem(resp, 401, "unauthenticated").await;
    }
    let resp = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_problem(resp, 401, "unauthenticated").await;
    let resp =
        app.http.get(app.url("/api/v1/me")).header("authorization", format!("Basic {token}")).send().await.unwrap();
    assert_problem(resp, 401, "unauthenticated").await;
    app.stop().await;
}

#[actix_web::test]
async fn refresh_rotates_the_token() {
    let app = TestApp::spawn().await;
    let (_, first) = app.raw_login().await;
    let resp = app.raw_refresh(&first).await;
    assert_eq!(resp.status(), 200);
    let second = refresh_cookie(&resp).unwrap();
    assert_ne!(first, second);
    let body: serde_json::Value = resp.json().await.unwrap();
    let access = body["access_token"].as_str().unwrap();
    let me = app.client.clone().with_token(access).me().await.unwrap();
    assert_eq!(me.email, ADMIN_EMAIL);
    // The new token works in turn.
    let resp = app.raw_refresh(&second).await;
    assert_eq!(resp.status(), 200);
    app.stop().await;
}

#[actix_web::test]
async fn reusing_a_spent_refresh_token_revokes_the_family() {
    let app = TestApp::spawn().await;
    let (_, first) = app.raw_login().await;
    let second = refresh_cookie(&app.raw_refresh(&first).await).unwrap();
    // Someone replays the first token: refused, and the whole session ends.
    assert_problem(app.raw_refresh(&first).await, 401, "invalid_refresh_token").await;
    assert_problem(app.raw_refresh(&second).await, 401, "invalid_refresh_token").await;
    // Another session of the same user is untouched.
    let (_, other) = app.raw_login().await;
    assert_eq!(app.raw_refresh(&other).await.status(), 200);
    app.stop().await;
}

#[actix_web::test]
async fn refresh_without_or_with_unknown_cookie_is_401() {
    let app = TestApp::spawn().await;
    let resp = app.http.post(app.url("/api/v1/auth/refresh")).send().await.unwrap();
    assert_problem(resp, 401, "invalid_refresh_token").await;
    assert_problem(app.raw_refresh("made-up-token").await, 401, "invalid_refresh_token").await;
    app.stop().await;
}

#[actix_web::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let (_, refresh) = app.raw_login().await;
    let resp = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", format!("kehu_refresh={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let cleared = resp.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.starts_with("kehu_refresh=;"), "{cleared}");
    assert_problem(app.raw_refresh(&refresh).await, 401, "invalid_refresh_token").await;

    // The typed client keeps its cookie natively: login, refresh, logout, refresh fails.
    let client = app.admin().await;
    client.refresh().await.unwrap();
    client.logout().await.unwrap();
    assert_eq!(client.refresh().await.unwrap_err().code(), Some(ErrorCode::InvalidRefreshToken));
    app.stop().await;
}
