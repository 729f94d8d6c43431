//! The sales chain in a real browser, on a phone: a rep opens a customer, creates a lead for it,
//! moves it to proposal, builds a quote of two lines whose totals show before saving (the
//! contract's example: 59.34), submits, sends and accepts it, opens the order it made and records
//! the payment that settles it; the lead is won.
#![allow(clippy::unwrap_used)]

use kehu_client::WriteOptions;
use kehu_core::customer::CreateCustomer;
use kehu_core::lead::LeadStage;
use kehu_core::user::{CreateUser, Role};
use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};

const REP_EMAIL: &str = "zhou.jie@e2e.kehu.test";
const REP_PASSWORD: &str = "rep-Password-123";
const CUSTOMER: &str = "星河电子有限公司";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_rep_quotes_a_lead_and_records_the_payment() {
    let stack = Stack::start().await;
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let rep = CreateUser {
        email: REP_EMAIL.into(),
        name: "Zhou Jie".into(),
        role: Role::Sales,
        password: REP_PASSWORD.into(),
        team_id: None,
        locale: None,
        max_discount_percent: Some("15".parse().unwrap()),
        pool_cap: None,
    };
    admin.create_user(&rep, &WriteOptions::default()).await.unwrap();
    let rep = stack.client();
    rep.login(REP_EMAIL, REP_PASSWORD).await.unwrap();
    let customer = CreateCustomer { name: CUSTOMER.into(), ..CreateCustomer::default() };
    let customer = rep.create_customer(&customer, &WriteOptions::default()).await.unwrap();

    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    browser.open(&format!("/customers/{}", customer.id)).await;
    browser.click(&testid("customer-new-lead")).await;
    browser.wait_for_text(&testid("lead-customer"), CUSTOMER).await;
    browser.fill("#lead-title", "Warehouse scanners").await;
    browser.click(&testid("lead-submit")).await;
    browser.wait_for_text(&testid("lead-stage"), "New").await;
    browser.click(&testid("lead-to-proposal")).await;
    browser.wait_for_text(&testid("lead-stage"), "Proposal").await;

    browser.click(&testid("lead-new-quote")).await;
    browser.wait_for_text(&testid("quote-customer"), CUSTOMER).await;
    line(&browser, 0, "Handheld scanner", "3", "19.99", "12.5", "13").await;
    browser.wait_for_text(&testid("line-total-0"), "¥59.29").await;
    browser.click(&testid("quote-add-line")).await;
    line(&browser, 1, "Delivery", "1", "0.05", "0", "6").await;
    browser.wait_for_text(&testid("line-total-1"), "¥0.05").await;
    // The totals before saving, worked out in the browser by the server's own code.
    browser.wait_for_text(&testid("quote-subtotal"), "¥60.02").await;
    browser.wait_for_text(&testid("quote-discount"), "-¥7.50").await;
    browser.wait_for_text(&testid("quote-tax"), "¥6.82").await;
    browser.wait_for_text(&testid("quote-total"), "¥59.34").await;
    assert_fits(&browser).await;
    browser.screenshot("quote-editor-en").await;
    browser.click(&testid("quote-submit")).await;

    browser.wait_for_text(&testid("quote-status"), "Draft").await;
    browser.wait_for_text(&testid("quote-grand"), "¥59.34").await;
    browser.click(&testid("quote-submit")).await;
    browser.wait_for_text(&testid("quote-status"), "Approved").await;
    browser.click(&testid("quote-send")).await;
    browser.wait_for_text(&testid("quote-status"), "Sent").await;
    browser.click(&testid("quote-accept")).await;
    browser.wait_for_text(&testid("quote-status"), "Accepted").await;
    assert_fits(&browser).await;
    browser.screenshot("quote-en").await;

    browser.click(&testid("quote-purchase")).await;
    browser.wait_for_text(&testid("purchase-balance"), "¥59.34").await;
    let prefilled: String =
        browser.script("return document.querySelector('[data-testid=\"payment-amount\"]').value").await;
    assert_eq!(prefilled, "59.34", "the payment starts at the balance");
    browser.click(&testid("payment-submit")).await;
    browser.wait_for_text(&testid("purchase-balance"), "¥0.00").await;
    browser.wait_for_text(&testid("purchase-paid"), "¥59.34").await;
    browser.wait_for_text(&testid("payments"), "¥59.34").await;
    assert_fits(&browser).await;
    browser.screenshot("purchase-en").await;

    // Delivered, one scanner comes back: not more than was bought, and the refund is recorded.
    browser.click(&testid("purchase-confirm")).await;
    browser.wait_for_text(&testid("purchase-status"), "Confirmed").await;
    browser.click(&testid("purchase-fulfill")).await;
    browser.wait_for_text(&testid("purchase-status"), "Delivered").await;
    browser.fill(&testid("return-qty-0"), "4").await;
    browser.click(&testid("return-submit")).await;
    browser.wait_for_text(&testid("return-error"), "Please correct the fields").await;
    browser.fill(&testid("return-qty-0"), "1").await;
    browser.fill(&testid("return-refund"), "19.76").await;
    browser.click(&testid("return-submit")).await;
    browser.wait_for_text(&testid("returns"), "¥19.76").await;
    browser.wait_for_text(&testid("purchase-balance"), "¥0.00").await;
    browser.screenshot("purchase-returned-en").await;

    // The customer's page shows the business: what was bought, and the quote.
    browser.open(&format!("/customers/{}", customer.id)).await;
    browser.wait_for_text(&testid("customer-revenue"), "¥39.58").await;
    browser.wait_for_text(&testid("sales-list"), "Q-").await;
    browser.wait_for_text(&testid("sales-list"), "Won").await;
    browser.screenshot("customer-sales-en").await;

    let leads = rep.list_leads(&kehu_client::ListQuery::new()).await.unwrap();
    assert_eq!(leads.data[0].stage, LeadStage::Won, "accepting the quote wins its lead");
    browser.quit().await;
}

/// Types one line of the quote editor.
async fn line(browser: &Browser, i: usize, description: &str, qty: &str, price: &str, discount: &str, tax: &str) {
    browser.fill(&format!("#line-description-{i}"), description).await;
    browser.fill(&format!("#line-quantity-{i}"), qty).await;
    browser.fill(&format!("#line-price-{i}"), price).await;
    browser.fill(&format!("#line-discount-{i}"), discount).await;
    browser.fill(&format!("#line-tax-{i}"), tax).await;
}

async fn assert_fits(browser: &Browser) {
    let (page, window): (i64, i64) =
        browser.script("return [document.documentElement.scrollWidth, window.innerWidth]").await;
    assert!(page <= window, "the page is {page} px wide in a {window} px window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_manager_approves_a_discount_above_the_reps_limit() {
    use kehu_core::quote::{CreateQuote, NewLine, QuoteStatus};
    use kehu_core::team::CreateTeam;
    let stack = Stack::start().await;
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let opts = WriteOptions::default();
    let boss = CreateUser {
        email: "boss@e2e.kehu.test".into(),
        name: "Wang Lei".into(),
        role: Role::Manager,
        password: REP_PASSWORD.into(),
        team_id: None,
        locale: None,
        max_discount_percent: Some("30".parse().unwrap()),
        pool_cap: None,
    };
    let boss = admin.create_user(&boss, &opts).await.unwrap();
    let team = CreateTeam { name: "East".into(), parent_id: None, manager_id: Some(boss.id) };
    let team = admin.create_team(&team, &opts).await.unwrap();
    let rep = CreateUser {
        email: REP_EMAIL.into(),
        name: "Zhou Jie".into(),
        role: Role::Sales,
        password: REP_PASSWORD.into(),
        team_id: Some(team.id),
        locale: None,
        max_discount_percent: Some("10".parse().unwrap()),
        pool_cap: None,
    };
    admin.create_user(&rep, &opts).await.unwrap();
    let rep = stack.client();
    rep.login(REP_EMAIL, REP_PASSWORD).await.unwrap();
    let customer = rep
        .create_customer(&CreateCustomer { name: CUSTOMER.into(), ..CreateCustomer::default() }, &opts)
        .await
        .unwrap();
    let line = NewLine {
        product_id: None,
        description: Some("Handheld scanner".into()),
        quantity: "10".parse().unwrap(),
        unit_price: Some("200.00".parse().unwrap()),
        discount_percent: Some("25".parse().unwrap()),
        tax_rate_percent: Some("13".parse().unwrap()),
    };
    let body = CreateQuote {
        customer_id: customer.id,
        lead_id: None,
        contact_id: None,
        currency: "CNY".into(),
        valid_until: None,
        terms: None,
        lines: vec![line],
    };
    let quote = rep.create_quote(&body, &opts).await.unwrap();
    let quote = rep.quote_action(&quote.id.to_string(), "submit", &opts).await.unwrap();
    assert_eq!(quote.status, QuoteStatus::PendingApproval, "25 % is above the rep's 10 %");
    let refused = rep.quote_action(&quote.id.to_string(), "send", &opts).await.unwrap_err();
    assert_eq!(refused.code(), Some(kehu_core::ErrorCode::InvalidStateTransition));

    let browser = stack.browser(Viewport::DESKTOP, "zh-CN").await;
    browser.sign_in("boss@e2e.kehu.test", REP_PASSWORD).await;
    browser.click(&format!("{} {}", testid("sidebar"), testid("nav-approvals"))).await;
    browser.wait_for_text(&testid("approvals-list"), &quote.number).await;
    browser.wait_for_text(&testid("approvals-list"), "最高折扣 25%").await;
    browser.screenshot("approvals-zh").await;
    browser.click(&testid("approval-link")).await;
    browser.wait_for_text(&testid("quote-status"), "待审批").await;
    browser.click(&testid("quote-approve")).await;
    browser.wait_for_text(&testid("quote-status"), "已批准").await;
    browser.screenshot("quote-approved-zh").await;
    // Approved, the rep can send it.
    let sent = rep.quote_action(&quote.id.to_string(), "send", &opts).await.unwrap();
    assert_eq!(sent.status, QuoteStatus::Sent);
    browser.quit().await;
}
