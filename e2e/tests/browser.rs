//! The web app in a real browser against a real server: sign in, see who is signed in, switch the
//! language and find it remembered after a reload, sign out; at desktop and at phone width.

use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Stack, Viewport, testid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_sign_in_and_switch_language() {
    sign_in_and_switch_language(Viewport::DESKTOP).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_sign_in_and_switch_language() {
    sign_in_and_switch_language(Viewport::PHONE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_language_is_the_default() {
    let stack = Stack::start().await;
    let browser = stack.browser(Viewport::PHONE, "zh-CN").await;
    browser.open("/").await;
    browser.wait_for_text(&testid("login-submit"), "登录").await;
    browser.wait_for_text(&testid("lang-switch"), "English").await;
    let lang: String = browser.script("return document.documentElement.lang").await;
    assert_eq!(lang, "zh-CN");
    browser.screenshot("login-browser-zh").await;
    browser.quit().await;
}

async fn sign_in_and_switch_language(viewport: Viewport) {
    let stack = Stack::start().await;

    // Through the API first: if signing in is broken there, this says so plainly.
    let api = stack.client();
    if let Err(e) = api.login(ADMIN_EMAIL, ADMIN_PASSWORD).await {
        panic!("the admin cannot sign in through the API: {e}\n--- server ---\n{}", stack.server_log());
    }
    let me = match api.me().await {
        Ok(me) => me,
        Err(e) => panic!("GET /api/v1/me failed: {e}\n--- server ---\n{}", stack.server_log()),
    };

    let browser = stack.browser(viewport, "en-US").await;
    let (nav, hidden_nav) =
        if viewport == Viewport::PHONE { ("bottom-nav", "sidebar") } else { ("sidebar", "bottom-nav") };
    let nav_home = format!("{} {}", testid(nav), testid("nav-home"));

    // Signed out, any page leads to sign-in.
    browser.open("/").await;
    browser.testid("login-email").await;
    assert_eq!(browser.path().await, "/login");
    browser.screenshot("login").await;

    // A wrong password is explained in the user's language.
    browser.fill(&testid("login-email"), ADMIN_EMAIL).await;
    browser.fill(&testid("login-password"), "not-the-password").await;
    browser.click(&testid("login-submit")).await;
    browser.wait_for_text(&testid("login-error"), "incorrect").await;
    browser.screenshot("login-error").await;

    browser.fill(&testid("login-password"), ADMIN_PASSWORD).await;
    browser.click(&testid("login-submit")).await;
    browser.wait_for_text(&testid("home-greeting"), &me.name).await;
    assert_eq!(browser.path().await, "/");
    browser.wait_for_text(&testid("home-user-name"), &me.name).await;
    browser.wait_for_text(&testid("home-user-email"), ADMIN_EMAIL).await;
    browser.wait_for_text(&testid("home-user-role"), "Administrator").await;

    // The sidebar on a wide screen, the bottom bar on a phone, never both.
    assert!(browser.is_displayed(&testid(nav)).await, "{nav} is not visible at {viewport:?}");
    assert!(!browser.is_displayed(&testid(hidden_nav)).await, "{hidden_nav} is visible at {viewport:?}");
    browser.wait_for_text(&nav_home, "Home").await;
    browser.screenshot("home-en").await;

    browser.wait_for_text(&testid("lang-switch"), "中文").await;
    browser.click(&testid("lang-switch")).await;
    browser.wait_for_text(&nav_home, "首页").await;
    browser.wait_for_text(&testid("home-greeting"), "欢迎回来").await;
    browser.wait_for_text(&testid("home-user-role"), "管理员").await;
    browser.wait_for_text(&testid("lang-switch"), "English").await;
    let lang: String = browser.script("return document.documentElement.lang").await;
    assert_eq!(lang, "zh-CN");
    browser.screenshot("home-zh").await;

    // A reload restores the session from the refresh cookie and the language from storage.
    browser.reload().await;
    browser.wait_for_text(&testid("home-greeting"), &me.name).await;
    browser.wait_for_text(&nav_home, "首页").await;

    // Signing out ends the session for good: a reload does not bring it back. A phone keeps the
    // button on the profile page, a wide screen in the sidebar.
    if viewport == Viewport::PHONE {
        browser.click(&format!("{} {}", testid(nav), testid("nav-profile"))).await;
    }
    browser.click(&testid("sign-out")).await;
    browser.wait_for_text(&testid("login-submit"), "登录").await;
    assert_eq!(browser.path().await, "/login");
    browser.screenshot("login-zh").await;
    browser.reload().await;
    browser.wait_for_text(&testid("login-submit"), "登录").await;
    assert_eq!(browser.path().await, "/login");

    browser.quit().await;
}
