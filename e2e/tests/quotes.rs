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
