//! API keys in a real browser: a sales rep makes a key on a phone, sees its secret once, and the
//! secret works against the API until the rep revokes the key in the web app. An administrator on
//! a wide screen in Chinese sees everyone's keys and makes one that expires.
#![allow(clippy::unwrap_used)]

use kehu_client::ClientError;
use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};
use reqwest::Method;
use serde_json::{Value, json};

const REP_EMAIL: &str = "wang.fang@e2e.kehu.test";
const REP_PASSWORD: &str = "rep-Password-123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_rep_makes_uses_and_revokes_a_key_in_english() {
    let stack = Stack::start().await;
    let admin = admin_token(&stack).await;
    let rep = create_rep(&stack, &admin).await;
    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    let nav = testid("bottom-nav");

    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    // The phone's bar has one item for the account; the page's tabs lead on to the keys.
    browser.click(&format!("{nav} {}", testid("nav-profile"))).await;
    browser.wait_for_path("/profile").await;
    browser.click(&testid("tab-api-keys")).await;
    browser.wait_for_path("/api-keys").await;
    browser.wait_for_text(&testid("page-title"), "API keys").await;
    let lit: Option<String> = browser
        .script("return document.querySelector('[data-testid=\"bottom-nav\"] [aria-current=\"page\"]')?.textContent")
        .await;
    assert_eq!(lit.as_deref().map(str::trim), Some("Profile"), "the bar does not show where the user is");
    browser.wait_for_text(&testid("api-keys-empty"), "No API keys yet").await;
    assert_fits(&browser).await;
    browser.screenshot("api-keys-empty-en").await;

    // The form offers only what a sales rep holds.
    browser.click(&testid("api-keys-new")).await;
    browser.testid("api-key-form").await;
    assert!(browser.is_displayed(&testid("scope-customers:read")).await);
    assert!(browser.is_displayed(&testid("scope-leads:write")).await);
    assert!(browser.is_displayed(&testid("scope-analytics:read")).await);
    for refused in ["users:write", "teams:write", "admin", "webhooks:manage"] {
        assert!(!browser.is_displayed(&testid(&format!("scope-{refused}"))).await, "a rep is offered {refused}");
    }
    // Nothing filled in: said beside each field before anything is sent.
    browser.click(&testid("api-key-submit")).await;
    browser.wait_for_text(&testid("api-key-name-error"), "required").await;
    browser.wait_for_text(&testid("api-key-scopes-error"), "at least one scope").await;
    browser.fill(&testid("api-key-name"), "Website contact form").await;
    browser.click(&testid("scope-customers:read")).await;
    browser.click(&testid("scope-leads:write")).await;
    assert_fits(&browser).await;
    browser.screenshot("api-key-form-en").await;

    // Meanwhile an administrator makes the rep a service agent, who may not write leads: the
    // server refuses the scope and the form says so beside the scopes.
    set_role(&stack, &admin, &rep, "service").await;
    browser.click(&testid("api-key-submit")).await;
    browser.wait_for_text(&testid("api-key-scopes-error"), "role doesn't allow").await;
    browser.wait_for_text(&testid("api-key-form-error"), "correct the fields").await;
    browser.screenshot("api-key-form-refused-en").await;
    set_role(&stack, &admin, &rep, "sales").await;
    browser.click(&testid("scope-leads:write")).await;
    assert!(!browser.is_displayed(&testid("api-key-scopes-error")).await, "the fixed scopes are still marked");
    browser.click(&testid("api-key-submit")).await;

    // The secret, this once.
    browser.wait_for_text(&testid("api-key-secret-warning"), "Copy this key now; it will not be shown again.").await;
    let secret: String =
        browser.script("return document.querySelector('[data-testid=\"api-key-secret\"]').value").await;
    assert!(secret.starts_with("kehu_") && secret.len() > 40, "not a key: {secret:?}");
    assert_fits(&browser).await;
    browser.screenshot("api-key-secret-en").await;
    browser.click(&testid("api-key-copy")).await;
    browser.wait_for_text(&testid("api-key-copy"), "Copied").await;
    // Reading the clipboard back takes a permission that a person would be asked for.
    let permissions = json!({ "origin": stack.base_url, "permissions": ["clipboardReadWrite"] });
    browser.driver.cdp().send_raw("Browser.grantPermissions", permissions).await.unwrap();
    let copied: String = browser.script("return navigator.clipboard.readText()").await;
    assert_eq!(copied, secret, "the clipboard does not hold the key");

    // The key works, as its owner and with its one scope only.
    let with_key = stack.client().with_token(secret.clone());
    let me = with_key.me().await.unwrap_or_else(|e| panic!("GET /me with the new key failed: {e}"));
    assert_eq!(me.email, REP_EMAIL);
    assert_eq!(me.scopes, ["customers:read"]);
    match with_key.list_users(&Default::default()).await {
        Err(ClientError::Api(p)) => assert_eq!(p.code.as_str(), "insufficient_scope"),
        other => panic!("a customers:read key listed users: {other:?}"),
    }

    // Done: the secret is gone from the page for good.
    browser.click(&testid("api-key-done")).await;
    browser.wait_for_text(&testid("api-keys-list"), "Website contact form").await;
    assert!(!browser.is_displayed(&testid("api-key-secret-panel")).await);
    assert!(!page_holds(&browser, &secret).await, "the secret is still in the page after Done");
    let row = testid("api-key-row");
    browser.wait_for_text(&format!("{row} {}", testid("api-key-prefix")), &secret[..12]).await;
    browser.wait_for_text(&format!("{row} {}", testid("api-key-state")), "Active").await;
    browser.wait_for_text(&row, "customers:read").await;
    browser.wait_for_text(&row, "Never expires").await;
    assert_fits(&browser).await;
    browser.screenshot("api-keys-en").await;

    // Revoking asks first; saying no changes nothing.
    browser.click(&testid("api-key-revoke")).await;
    let question = alert_text(&browser).await;
    assert!(question.contains("Website contact form") && question.contains("can't be undone"), "{question:?}");
    browser.driver.dismiss_alert().await.unwrap();
    browser.wait_for_text(&format!("{row} {}", testid("api-key-state")), "Active").await;
    assert!(with_key.me().await.is_ok(), "dismissing the dialog revoked the key");

    browser.click(&testid("api-key-revoke")).await;
    alert_text(&browser).await;
    browser.driver.accept_alert().await.unwrap();
    browser.wait_for_text(&testid("notice"), "was revoked").await;
    browser.wait_for_text(&format!("{row} {}", testid("api-key-state")), "Revoked").await;
    assert!(!browser.is_displayed(&testid("api-key-revoke")).await, "a revoked key can be revoked again");
    browser.screenshot("api-keys-revoked-en").await;

    // The next call with the key is refused.
    match with_key.me().await {
        Err(ClientError::Api(p)) => assert_eq!(p.status, 401, "{p:?}"),
        other => panic!("a revoked key still works: {other:?}"),
    }
    // The server agrees after a reload.
    browser.reload().await;
    browser.wait_for_text(&format!("{row} {}", testid("api-key-state")), "Revoked").await;
    browser.wait_for_text(&row, "Revoked").await;

    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_admin_sees_every_key_and_makes_one_that_expires_in_chinese() {
    let stack = Stack::start().await;
    let admin = admin_token(&stack).await;
    create_rep(&stack, &admin).await;
    // The rep's own key, made through the API: the administrator's list shows whose it is.
    let rep = stack.client();
    rep.login(REP_EMAIL, REP_PASSWORD).await.unwrap_or_else(|e| panic!("the rep cannot sign in: {e}"));
    let rep_token = rep.token().unwrap();
    call(&stack, Method::POST, "/api-keys", &rep_token, json!({ "name": "Rep spreadsheet", "scopes": ["leads:read"] }))
        .await;

    let browser = stack.browser(Viewport::DESKTOP, "zh-CN").await;
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.click(&format!("{} {}", testid("sidebar"), testid("nav-api-keys"))).await;
    browser.wait_for_path("/api-keys").await;
    browser.wait_for_text(&testid("page-title"), "API 密钥").await;
    let row = testid("api-key-row");
    browser.wait_for_text(&row, "Rep spreadsheet").await;
    browser.wait_for_text(&row, "所有者：Wang Fang").await;
    browser.wait_for_text(&row, "从未使用").await;
    browser.screenshot("api-keys-zh").await;

    browser.click(&testid("api-keys-new")).await;
    browser.testid("api-key-form").await;
    // An administrator may grant every scope.
    for scope in ["users:write", "teams:write", "admin", "webhooks:manage", "analytics:read"] {
        assert!(browser.is_displayed(&testid(&format!("scope-{scope}"))).await, "the admin is not offered {scope}");
    }
    browser.fill(&testid("api-key-name"), "ERP 同步").await;
    browser.click(&testid("scope-customers:read")).await;
    browser.click(&testid("scope-customers:write")).await;
    // A date field is typed in the order of the browser's language; setting it is what a pick does.
    browser
        .script::<Value>(
            "const f = document.querySelector('[data-testid=\"api-key-expiry\"]');\
             f.value = '2030-12-31'; f.dispatchEvent(new Event('input', { bubbles: true })); return null",
        )
        .await;
    browser.screenshot("api-key-form-zh").await;
    browser.click(&testid("api-key-submit")).await;

    browser.wait_for_text(&testid("api-key-secret-warning"), "请立即复制此密钥，它不会再次显示。").await;
    let secret: String =
        browser.script("return document.querySelector('[data-testid=\"api-key-secret\"]').value").await;
    browser.screenshot("api-key-secret-zh").await;
    let me = stack.client().with_token(secret.clone()).me().await.unwrap_or_else(|e| panic!("GET /me failed: {e}"));
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.scopes, ["customers:read", "customers:write"]);
    browser.click(&testid("api-key-done")).await;
    assert!(!page_holds(&browser, &secret).await, "the secret is still in the page after Done");

    // Newest first, with its expiry in the reader's language.
    let first = format!("{} li:first-child", testid("api-keys-list"));
    browser.wait_for_text(&first, "ERP 同步").await;
    browser.wait_for_text(&first, "2030年12月31日 到期").await;
    let expires: Value = call(&stack, Method::GET, "/api-keys?limit=1", &admin, Value::Null).await;
    let expires = expires["data"][0]["expires_at"].as_str().unwrap_or_default().to_owned();
    assert!(expires.starts_with("2030-12-31") || expires.starts_with("2031-01-01"), "expires at {expires}");
    browser.screenshot("api-keys-after-zh").await;

    browser.quit().await;
}

/// The page is no wider than the window: nothing pushes it sideways on a phone.
async fn assert_fits(browser: &Browser) {
    let (page, window): (i64, i64) =
        browser.script("return [document.documentElement.scrollWidth, window.innerWidth]").await;
    assert!(page <= window, "the page is {page} px wide in a {window} px window");
}

/// Whether `text` is anywhere in the page: its markup, or what a field holds.
async fn page_holds(browser: &Browser, text: &str) -> bool {
    let script = format!(
        "const s = {}; return document.documentElement.outerHTML.includes(s) || \
         [...document.querySelectorAll('input, textarea')].some(f => f.value.includes(s))",
        serde_json::to_string(text).unwrap()
    );
    browser.script(&script).await
}

/// Waits for the browser's own dialog and returns what it asks.
async fn alert_text(browser: &Browser) -> String {
    for _ in 0..100 {
        if let Ok(text) = browser.driver.get_alert_text().await {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no confirmation dialog appeared");
}

async fn admin_token(stack: &Stack) -> String {
    let api = stack.client();
    api.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap_or_else(|e| panic!("the admin cannot sign in: {e}"));
    api.token().unwrap()
}

/// A sales rep, made through the API; returns their id.
async fn create_rep(stack: &Stack, admin: &str) -> String {
    let body = json!({ "email": REP_EMAIL, "name": "Wang Fang", "role": "sales", "password": REP_PASSWORD });
    let user = call(stack, Method::POST, "/users", admin, body).await;
    user["id"].as_str().unwrap().to_owned()
}

async fn set_role(stack: &Stack, admin: &str, user: &str, role: &str) {
    call(stack, Method::PATCH, &format!("/users/{user}"), admin, json!({ "role": role })).await;
}

/// Calls the API as `token`; panics unless it succeeds, and returns the JSON answer.
async fn call(stack: &Stack, method: Method, path: &str, token: &str, body: Value) -> Value {
    let url = format!("{}/api/v1{path}", stack.base_url);
    let mut request = reqwest::Client::new().request(method, &url).bearer_auth(token);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "{url}: {status} {text}\n--- server ---\n{}", stack.server_log());
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
