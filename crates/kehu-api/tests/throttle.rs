//! Sign-in throttling: too many failures for an account or from an address are refused for a while.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, assert_problem};
use serde_json::json;

async fn attempt(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn eleven_wrong_passwords_lock_the_account_until_the_window_passes() {
    // A short window, which the test waits out on the server's clock; the count is the real
    // default of 10.
    let app = TestApp::spawn_with(&[("KEHU_LOGIN_WINDOW_SECS", "3")]).await;
    for _ in 0..10 {
        assert_problem(attempt(&app, ADMIN_EMAIL, "wrong password").await, 401, "invalid_credentials").await;
    }
    let resp = attempt(&app, ADMIN_EMAIL, "wrong password").await;
    let retry: u64 = resp.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=3).contains(&retry), "Retry-After {retry}");
    assert_problem(resp, 429, "rate_limited").await;
    // The right password does not get through while the account is locked.
    let resp = attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(resp.headers().get("retry-after").is_some());
    assert_problem(resp, 429, "rate_limited").await;

    app.clock.advance(chrono::Duration::milliseconds(3200));
    assert_eq!(attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 200);
    app.stop().await;
}

#[actix_web::test]
async fn guessing_many_accounts_from_one_address_is_throttled_too() {
    let app = TestApp::spawn().await;
    for i in 0..10 {
        assert_problem(attempt(&app, &format!("guess{i}@example.com"), "123456").await, 401, "invalid_credentials")
            .await;
    }
    let resp = attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let retry: u64 = resp.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 800 && retry <= 900, "the default window is 15 minutes: {retry}");
    assert_problem(resp, 429, "rate_limited").await;
    app.stop().await;
}

#[actix_web::test]
async fn a_few_mistakes_do_not_lock_anyone_out() {
    let app = TestApp::spawn().await;
    for _ in 0..9 {
        attempt(&app, ADMIN_EMAIL, "typo").await;
    }
    assert_eq!(attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 200);
    app.stop().await;
}
