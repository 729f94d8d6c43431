//! What the server logs about sign-ins: who and what happened, never a password, hash or token.
//! Its own test binary, because it installs the process-wide log subscriber.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use serde_json::json;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn logs_show_attempts_and_request_ids_but_no_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_env_filter("info")
        .with_writer(move || writer.clone())
        .init();

    let app = TestApp::spawn().await;
    let wrong = "definitely-not-the-password";
    let resp = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": wrong}))
        .send()
        .await
        .unwrap();
    let failed_id = resp.headers().get("request-id").unwrap().to_str().unwrap().to_owned();
    let (access, refresh) = app.raw_login().await;
    let resp = app.raw_refresh(&refresh).await;
    let rotated = common::refresh_cookie(&resp).unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    let access2 = body["access_token"].as_str().unwrap().to_owned();
    app.http.get(app.url("/api/v1/me")).bearer_auth(&access).send().await.unwrap();
    app.http.get(app.url("/api/v1/me")).bearer_auth("tampered.token.value").send().await.unwrap();
    app.stop().await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let failure = logs
        .lines()
        .find(|l| l.contains("login attempt") && l.contains("\"failure\""))
        .expect("a failed login is logged");
    assert!(failure.contains(ADMIN_EMAIL), "{failure}");
    assert!(failure.contains(&failed_id), "the attempt carries its request id: {failure}");
    assert!(logs.lines().any(|l| l.contains("login attempt") && l.contains("\"success\"")));
    for secret in [wrong, ADMIN_PASSWORD, &access, &access2, &refresh, &rotated, "$argon2", common::JWT_SECRET] {
        assert!(!logs.contains(secret), "the logs contain a secret ({} chars)", secret.len());
    }
}
