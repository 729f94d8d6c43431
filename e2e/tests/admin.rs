//! Administration in a real browser: the administrator creates a team and a sales rep in it, all
//! through the web app; the rep then signs in and finds no administration, even by typing its
//! address. Once on a phone in English, once on a wide screen in Chinese.

use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};

/// What the app says in the language a run uses.
struct Words {
    browser_lang: &'static str,
    sales_role: &'static str,
    nav_users: &'static str,
    nav_teams: &'static str,
    nav_admin: &'static str,
    users_title: &'static str,
    teams_empty: &'static str,
    password_too_short: &'static str,
    email_taken: &'static str,
    team_created: &'static str,
    user_created: &'static str,
    not_allowed: &'static str,
    profile_title: &'static str,
}

const ENGLISH: Words = Words {
    browser_lang: "en-US",
    sales_role: "Sales rep",
    nav_users: "Users",
    nav_teams: "Teams",
    nav_admin: "Admin",
    users_title: "Users",
    teams_empty: "No teams yet",
    password_too_short: "at least 10 characters",
    email_taken: "already has this email",
    team_created: "was created",
    user_created: "was created",
    not_allowed: "don't have access",
    profile_title: "Your profile",
};

const CHINESE: Words = Words {
    browser_lang: "zh-CN",
    sales_role: "销售人员",
    nav_users: "用户",
    nav_teams: "团队",
    nav_admin: "管理",
    users_title: "用户",
    teams_empty: "还没有团队",
    password_too_short: "至少需要 10 个字符",
    email_taken: "已有其他用户使用此邮箱",
    team_created: "已创建团队",
    user_created: "已创建用户",
    not_allowed: "没有权限",
    profile_title: "个人资料",
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_admin_creates_a_team_and_a_rep_in_english() {
    admin_creates_a_team_and_a_rep(Viewport::PHONE, &ENGLISH).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_admin_creates_a_team_and_a_rep_in_chinese() {
    admin_creates_a_team_and_a_rep(Viewport::DESKTOP, &CHINESE).await;
}

async fn admin_creates_a_team_and_a_rep(viewport: Viewport, words: &Words) {
    let stack = Stack::start().await;
    let browser = stack.browser(viewport, words.browser_lang).await;
    let lang = if words.browser_lang == "en-US" { "en" } else { "zh" };
    let shot = |name: &str| format!("{name}-{lang}");
    let nav = if viewport == Viewport::PHONE { testid("bottom-nav") } else { testid("sidebar") };
    let in_nav = |id: &str| format!("{nav} {}", testid(id));

    let phone = viewport == Viewport::PHONE;
    // A phone's bottom bar has one item for administration; the pages switch between users and
    // teams. A wide screen's sidebar links to each.
    let open_admin = async |tab: &str| {
        if phone {
            browser.click(&in_nav("nav-admin")).await;
            browser.wait_for_path("/users").await;
            browser.click(&testid(&format!("tab-{tab}"))).await;
        } else {
            browser.click(&in_nav(&format!("nav-{tab}"))).await;
        }
    };

    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    if phone {
        browser.wait_for_text(&in_nav("nav-admin"), words.nav_admin).await;
    } else {
        browser.wait_for_text(&in_nav("nav-users"), words.nav_users).await;
        browser.wait_for_text(&in_nav("nav-teams"), words.nav_teams).await;
    }

    // A team, made in the app.
    open_admin("teams").await;
    browser.wait_for_path("/teams").await;
    browser.wait_for_text(&testid("teams-empty"), words.teams_empty).await;
    browser.screenshot(&shot("teams-empty")).await;
    browser.click(&testid("teams-new")).await;
    browser.wait_for_path("/teams/new").await;
    // An empty name is caught before anything is sent.
    browser.click(&testid("team-submit")).await;
    browser.testid("team-name-error").await;
    browser.fill(&testid("team-name"), "East Coast").await;
    browser.screenshot(&shot("team-new")).await;
    browser.click(&testid("team-submit")).await;
    browser.wait_for_path("/teams").await;
    browser.wait_for_text(&testid("notice"), words.team_created).await;
    browser.wait_for_text(&testid("teams-list"), "East Coast").await;
    browser.screenshot(&shot("teams")).await;

    // A sales rep in that team, made in the app.
    open_admin("users").await;
    browser.wait_for_path("/users").await;
    browser.wait_for_text(&testid("page-title"), words.users_title).await;
    browser.wait_for_text(&testid("users-list"), ADMIN_EMAIL).await;
    browser.click(&testid("users-new")).await;
    browser.wait_for_path("/users/new").await;
    browser.fill(&testid("user-email"), ADMIN_EMAIL).await;
    browser.fill(&testid("user-name"), "Li Lei").await;
    browser.choose(&testid("user-role"), words.sales_role).await;
    browser.choose(&testid("user-team"), "East Coast").await;
    browser.fill(&testid("user-discount"), "12.5").await;
    browser.fill(&testid("user-pool-cap"), "30").await;
    // Too short a password is caught in the browser, in the user's language.
    browser.fill(&testid("user-password"), "short").await;
    browser.click(&testid("user-submit")).await;
    browser.wait_for_text(&testid("user-password-error"), words.password_too_short).await;
    browser.screenshot(&shot("user-new-errors")).await;
    // A taken email is refused by the server, and said next to the field.
    browser.fill(&testid("user-password"), "rep-Password-123").await;
    browser.click(&testid("user-submit")).await;
    browser.wait_for_text(&testid("user-email-error"), words.email_taken).await;
    browser.fill(&testid("user-email"), "li.lei@e2e.kehu.test").await;
    browser.click(&testid("user-submit")).await;
    browser.wait_for_path("/users").await;
    browser.wait_for_text(&testid("notice"), words.user_created).await;
    browser.wait_for_text(&testid("users-list"), "li.lei@e2e.kehu.test").await;
    browser.screenshot(&shot("users")).await;

    // Searching finds the rep and only the rep.
    browser.fill(&testid("users-search"), "li.lei").await;
    browser.wait_for_text(&testid("users-list"), "Li Lei").await;
    wait_until_rows(&browser, "user-row", 1).await;
    browser.screenshot(&shot("users-search")).await;

    // The rep's page shows what was saved.
    browser.click(&testid("user-row")).await;
    browser.wait_for_text(&testid("page-title"), "Li Lei").await;
    let team: String = browser
        .script(
            "const s = document.querySelector('[data-testid=\"user-team\"]'); return s.options[s.selectedIndex].text",
        )
        .await;
    assert_eq!(team.trim(), "East Coast");
    let discount: String =
        browser.script("return document.querySelector('[data-testid=\"user-discount\"]').value").await;
    assert_eq!(discount, "12.5");
    browser.screenshot(&shot("user-edit")).await;

    // The browser's Back button goes back within the app.
    if let Err(e) = browser.driver.back().await {
        panic!("cannot go back: {e}");
    }
    browser.wait_for_path("/users").await;
    browser.wait_for_text(&testid("users-list"), "Li Lei").await;

    browser.click(&in_nav("nav-profile")).await;
    browser.wait_for_text(&testid("page-title"), words.profile_title).await;
    browser.screenshot(&shot("profile")).await;

    // On a phone signing out is on the profile page, on a wide screen in the sidebar.
    browser.click(&testid("sign-out")).await;
    browser.testid("login-email").await;

    // The rep sees no administration.
    browser.sign_in("li.lei@e2e.kehu.test", "rep-Password-123").await;
    browser.wait_for_text(&testid("home-greeting"), "Li Lei").await;
    browser.wait_for_text(&testid("home-user-role"), words.sales_role).await;
    assert!(browser.is_displayed(&in_nav("nav-profile")).await, "the rep has no profile link");
    assert!(!browser.is_displayed(&in_nav("nav-users")).await, "the rep sees the Users item");
    assert!(!browser.is_displayed(&in_nav("nav-teams")).await, "the rep sees the Teams item");
    assert!(!browser.is_displayed(&in_nav("nav-admin")).await, "the rep sees the Admin item");
    assert!(browser.is_displayed(&in_nav("nav-customers")).await, "the rep has no Customers item");
    browser.screenshot(&shot("rep-home")).await;

    // Not even at the page's address.
    browser.open("/users").await;
    browser.wait_for_text(&testid("not-allowed"), words.not_allowed).await;
    assert!(!browser.is_displayed(&testid("users-list")).await);
    browser.screenshot(&shot("rep-users-not-allowed")).await;
    browser.open("/teams/new").await;
    browser.testid("not-allowed").await;

    browser.quit().await;
}

/// Waits until exactly `count` rows with `data-testid="{id}"` are shown.
async fn wait_until_rows(browser: &Browser, id: &str, count: usize) {
    let script = format!("return document.querySelectorAll('[data-testid=\"{id}\"]').length");
    for _ in 0..300 {
        let shown: usize = browser.script(&script).await;
        if shown == count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never exactly {count} `{id}` rows");
}
