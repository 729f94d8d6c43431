//! The pipeline in a real browser. On a phone in English a sales rep creates a lead for a
//! prospect, moves it to proposal, is told that a prospect cannot be won, converts it into a
//! customer, wins it, and moves another lead on the board with two taps. In Chinese on a wide
//! screen the board shows its columns and sums.
#![allow(clippy::unwrap_used)]

use kehu_client::{Client, WriteOptions};
use kehu_core::lead::{CreateLead, Prospect};
use kehu_core::product::CreateProduct;
use kehu_core::user::{CreateUser, Role};
use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};

const REP_EMAIL: &str = "sun.li@e2e.kehu.test";
const REP_PASSWORD: &str = "rep-Password-123";

async fn seed(stack: &Stack) -> Client {
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let rep = CreateUser {
        email: REP_EMAIL.into(),
        name: "Sun Li".into(),
        role: Role::Sales,
        password: REP_PASSWORD.into(),
        team_id: None,
        locale: None,
        max_discount_percent: None,
        pool_cap: None,
    };
    admin.create_user(&rep, &WriteOptions::default()).await.unwrap();
    let rep = stack.client();
    rep.login(REP_EMAIL, REP_PASSWORD).await.unwrap();
    rep
}

fn lead(title: &str, company: &str, amount: &str) -> CreateLead {
    CreateLead {
        title: title.into(),
        prospect: Some(Prospect { company_name: Some(company.into()), ..Prospect::default() }),
        amount: Some(amount.parse().unwrap()),
        currency: Some("CNY".into()),
        ..CreateLead::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_rep_takes_a_prospect_from_new_to_won() {
    let stack = Stack::start().await;
    let rep = seed(&stack).await;
    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;

    browser.click(&format!("{} {}", testid("bottom-nav"), testid("nav-leads"))).await;
    browser.wait_for_path("/leads").await;
    browser.wait_for_text(&testid("board-new"), "No leads here").await;
    browser.click(&testid("leads-new")).await;
    browser.wait_for_path("/leads/new").await;
    browser.fill("#lead-title", "Fleet renewal 2027").await;
    browser.fill("#lead-company", "上海远景物流有限公司").await;
    browser.fill("#lead-contact", "王芳").await;
    browser.fill("#lead-amount", "120000").await;
    browser.screenshot("lead-new-en").await;
    browser.click(&testid("lead-submit")).await;
    browser.wait_for_text(&testid("page-title"), "Fleet renewal 2027").await;
    browser.wait_for_text(&testid("lead-stage"), "New").await;
    browser.wait_for_text(&testid("lead-amount"), "¥120,000.00").await;

    browser.click(&testid("lead-to-proposal")).await;
    browser.wait_for_text(&testid("lead-stage"), "Proposal").await;
    browser.wait_for_text(&testid("lead-summary"), "50% likely").await;
    // A prospect is not won before it is a customer.
    browser.click(&testid("lead-to-won")).await;
    browser.wait_for_text(&testid("lead-move-error"), "Make the prospect a customer").await;
    browser.click(&testid("lead-convert")).await;
    browser.wait_for_text(&testid("lead-customer"), "上海远景物流有限公司").await;
    assert_fits(&browser).await;
    browser.screenshot("lead-en").await;
    browser.click(&testid("lead-to-won")).await;
    browser.wait_for_text(&testid("lead-stage"), "Won").await;
    browser.wait_for_text(&testid("lead-history"), "Proposal").await;
    let entries: usize =
        browser.script("return document.querySelectorAll('[data-testid=\"lead-history-entry\"]').length").await;
    assert_eq!(entries, 3, "new, proposal, won");

    // Another lead moves on the board itself: Move to… → Qualified.
    rep.create_lead(&lead("Cold-chain pilot", "杭州冷链有限公司", "8800.50"), &WriteOptions::default()).await.unwrap();
    browser.click(&testid("back-link")).await;
    browser.wait_for_path("/leads").await;
    browser.wait_for_text(&testid("board-new"), "Cold-chain pilot").await;
    browser.wait_for_text(&testid("board-new"), "¥8,800.50").await;
    browser.screenshot("pipeline-en").await;
    browser.choose(&format!("{} {}", testid("board-new"), testid("lead-move")), "Qualified").await;
    browser.wait_for_text(&testid("board-qualified"), "Cold-chain pilot").await;
    browser.wait_for_text(&testid("board-qualified"), "¥8,800.50 · weighted ¥2,200.13").await;
    assert_fits(&browser).await;
    browser.screenshot("pipeline-moved-en").await;

    // The catalog is a tap away from the board; a rep reads it, prices but no costs.
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let sensor = CreateProduct {
        sku: "CC-100".into(),
        name: "Cold-chain sensor".into(),
        unit: None,
        currency: "CNY".into(),
        list_price: "199.00".parse().unwrap(),
        cost: Some("120.00".parse().unwrap()),
        active: true,
    };
    admin.create_product(&sensor, &WriteOptions::default()).await.unwrap();
    browser.click(&testid("leads-products")).await;
    browser.wait_for_path("/products").await;
    browser.wait_for_text(&testid("products-list"), "¥199.00 / pcs").await;
    browser.click(&testid("product-link")).await;
    browser.wait_for_text(&testid("page-title"), "Cold-chain sensor").await;
    assert!(!browser.is_displayed("#product-cost").await, "a rep sees the cost");
    assert!(!browser.is_displayed(&testid("product-submit")).await, "a rep may change the catalog");
    browser.screenshot("product-en").await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_board_in_chinese_shows_each_stage_with_its_sums() {
    let stack = Stack::start().await;
    let rep = seed(&stack).await;
    let opts = WriteOptions::default();
    rep.create_lead(&lead("年度框架协议", "深圳市腾讯计算机系统有限公司", "500000.00"), &opts).await.unwrap();
    rep.create_lead(&lead("试点项目", "北京字节跳动科技有限公司", "30000.00"), &opts).await.unwrap();
    let browser = stack.browser(Viewport::DESKTOP, "zh-CN").await;
    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    browser.click(&format!("{} {}", testid("sidebar"), testid("nav-leads"))).await;
    browser.wait_for_text(&testid("page-title"), "销售漏斗").await;
    browser.wait_for_text(&testid("board-new"), "¥530,000.00 · 加权 ¥53,000.00").await;
    browser.wait_for_text(&testid("board-qualified"), "暂无商机").await;
    browser.screenshot("pipeline-zh").await;
    browser.quit().await;
}

async fn assert_fits(browser: &Browser) {
    let (page, window): (i64, i64) =
        browser.script("return [document.documentElement.scrollWidth, window.innerWidth]").await;
    assert!(page <= window, "the page is {page} px wide in a {window} px window");
}
