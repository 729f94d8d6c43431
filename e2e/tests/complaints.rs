//! Complaints in a real browser. On a phone in English a service agent takes a customer's call:
//! quick entry, the queue with its countdown, then the complaint from acknowledged to closed with
//! a comment, a resolution and the customer's satisfaction on the way. On a phone in Chinese a
//! sales rep finds the open complaint on the customer's page and over the customer's quote, is told
//! when someone else moved it on first, and takes it.
#![allow(clippy::unwrap_used)]

use kehu_client::{Client, WriteOptions};
use kehu_core::complaint::{ComplaintStatus, CreateComplaint, Priority};
use kehu_core::customer::{CreateCustomer, Customer};
use kehu_core::quote::{CreateQuote, NewLine};
use kehu_core::user::{CreateUser, Role};
use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};

const REP_EMAIL: &str = "sun.li@e2e.kehu.test";
const AGENT_EMAIL: &str = "he.fang@e2e.kehu.test";
const PASSWORD: &str = "e2e-Password-123";
const CUSTOMER: &str = "星河电子有限公司";

/// A sales rep who owns a customer, and a service agent; both signed in through the typed client.
async fn seed(stack: &Stack) -> (Client, Client, Customer) {
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    for (email, name, role) in [(REP_EMAIL, "Sun Li", Role::Sales), (AGENT_EMAIL, "He Fang", Role::Service)] {
        let user = CreateUser {
            email: email.into(),
            name: name.into(),
            role,
            password: PASSWORD.into(),
            team_id: None,
            locale: None,
            max_discount_percent: None,
            pool_cap: None,
        };
        admin.create_user(&user, &WriteOptions::default()).await.unwrap();
    }
    let rep = stack.client();
    rep.login(REP_EMAIL, PASSWORD).await.unwrap();
    let agent = stack.client();
    agent.login(AGENT_EMAIL, PASSWORD).await.unwrap();
    let customer = CreateCustomer { name: CUSTOMER.into(), ..CreateCustomer::default() };
    let customer = rep.create_customer(&customer, &WriteOptions::default()).await.unwrap();
    (rep, agent, customer)
}

async fn assert_fits(browser: &Browser) {
    let (page, window): (i64, i64) =
        browser.script("return [document.documentElement.scrollWidth, window.innerWidth]").await;
    assert!(page <= window, "the page is {page} px wide in a {window} px window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_agent_takes_a_call_and_works_the_complaint_to_closed() {
    let stack = Stack::start().await;
    let (_, agent, _) = seed(&stack).await;

    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    browser.sign_in(AGENT_EMAIL, PASSWORD).await;
    // The agent's bottom bar has the queue where a rep's has the pipeline.
    assert!(!browser.is_displayed(&format!("{} {}", testid("bottom-nav"), testid("nav-leads"))).await);
    browser.click(&format!("{} {}", testid("bottom-nav"), testid("nav-complaints"))).await;
    browser.wait_for_path("/complaints").await;
    browser.click(&testid("complaints-new")).await;
    browser.wait_for_path("/complaints/new").await;

    // Quick entry: find the customer by part of its name, a subject, two taps, save.
    browser.fill(&testid("complaint-customer-search"), "星河").await;
    browser.wait_for_text(&testid("customer-options"), CUSTOMER).await;
    browser.screenshot("complaint-customer-search-en").await;
    browser.click(&testid("customer-option")).await;
    browser.wait_for_text(&testid("complaint-customer"), CUSTOMER).await;
    browser.fill("#complaint-subject", "Scanner arrived with a cracked screen").await;
    browser.click(&testid("complaint-priority-high")).await;
    browser.click(&testid("complaint-category-product_quality")).await;
    assert_fits(&browser).await;
    browser.screenshot("complaint-new-en").await;
    browser.click(&testid("complaint-submit")).await;
    browser.wait_for_text(&testid("complaint-status"), "Open").await;
    browser.wait_for_text(&testid("complaint-priority"), "High").await;
    browser.wait_for_text(&testid("complaint-assignee"), "In the queue").await;
    let number = browser.wait_for_text(&testid("page-title"), "C-").await;
    browser.wait_for_text(&testid("complaint-first-due"), "due in").await;
    assert_fits(&browser).await;
    browser.screenshot("complaint-en").await;

    // The queue: unassigned, with the time left to the first response.
    browser.click(&testid("back-link")).await;
    browser.wait_for_path("/complaints").await;
    browser.click(&testid("complaints-filter-queue")).await;
    browser.wait_for_text(&testid("complaints-list"), &number).await;
    browser.wait_for_text(&testid("complaints-list"), CUSTOMER).await;
    let due = browser.wait_for_text(&testid("complaint-due"), "due in").await;
    assert!(due.contains(" h") || due.contains("min"), "a countdown, not {due:?}");
    assert_fits(&browser).await;
    browser.screenshot("complaints-queue-en").await;

    browser.click(&testid("complaint-link")).await;
    browser.click(&testid("complaint-acknowledge")).await;
    browser.wait_for_text(&testid("complaint-status"), "Acknowledged").await;
    // Acting on a complaint from the queue makes it the agent's.
    browser.wait_for_text(&testid("complaint-assignee"), "You").await;
    browser.wait_for_text(&testid("complaint-head"), "Responded").await;

    browser.fill(&testid("comment-body"), "Called back: a replacement ships tomorrow.").await;
    browser.click(&testid("comment-submit")).await;
    browser.wait_for_text(&testid("complaint-timeline"), "a replacement ships tomorrow").await;

    browser.click(&testid("complaint-start")).await;
    browser.wait_for_text(&testid("complaint-status"), "In progress").await;
    browser.wait_for_text(&testid("complaint-timeline"), "Open → Acknowledged · Assigned to He Fang").await;
    browser.wait_for_text(&testid("complaint-timeline"), "Acknowledged → In progress").await;
    let _: Option<bool> =
        browser.script("document.querySelector('[data-testid=\"complaint-timeline\"]').scrollIntoView()").await;
    browser.screenshot("complaint-timeline-en").await;

    // Resolving asks how; an empty answer is refused before anything is sent.
    browser.click(&testid("complaint-resolve")).await;
    browser.testid("resolve-sheet").await;
    browser.click(&testid("resolve-submit")).await;
    browser.wait_for_text(&testid("resolve-text-error"), "required").await;
    browser.fill(&testid("resolve-text"), "Replaced the scanner; the broken one was collected.").await;
    browser.click(&testid("resolve-submit")).await;
    browser.wait_for_text(&testid("complaint-status"), "Resolved").await;
    browser.wait_for_text(&testid("complaint-details"), "Replaced the scanner").await;

    // Closing records the customer's verdict: five big targets and a comment.
    browser.click(&testid("complaint-close")).await;
    browser.click(&testid("satisfaction-4")).await;
    browser.wait_for_text(&testid("satisfaction-words"), "Happy").await;
    browser.fill(&testid("close-comment"), "Quick and friendly.").await;
    assert_fits(&browser).await;
    browser.screenshot("complaint-close-en").await;
    browser.click(&testid("close-submit")).await;
    browser.wait_for_text(&testid("complaint-status"), "Closed").await;
    browser.wait_for_text(&testid("complaint-satisfaction"), "4/5").await;
    browser.wait_for_text(&testid("complaint-details"), "Quick and friendly.").await;
    assert!(browser.is_displayed(&testid("complaint-reopen")).await, "a closed complaint may be reopened");
    assert_fits(&browser).await;
    browser.screenshot("complaint-closed-en").await;

    let found = agent.list_complaints(&kehu_client::ListQuery::new()).await.unwrap();
    let c = found.data.iter().find(|c| number.contains(&c.number)).unwrap();
    assert_eq!(c.status, ComplaintStatus::Closed);
    assert_eq!(c.satisfaction, Some(4));
    assert_eq!(c.satisfaction_comment.as_deref(), Some("Quick and friendly."));
    assert_eq!(c.priority, Priority::High);
    assert!(c.resolution.as_deref().is_some_and(|r| r.starts_with("Replaced the scanner")));
    browser.quit().await;

    // On a wide screen the queue is in the sidebar; the finished complaint is under Done.
    let desk = stack.browser(Viewport::DESKTOP, "en-US").await;
    desk.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    desk.click(&format!("{} {}", testid("sidebar"), testid("nav-complaints"))).await;
    desk.wait_for_path("/complaints").await;
    desk.testid("list-empty").await;
    desk.click(&testid("complaints-filter-done")).await;
    desk.wait_for_text(&testid("complaints-list"), &number).await;
    desk.wait_for_text(&testid("complaints-list"), "Closed").await;
    desk.screenshot("complaints-done-en").await;
    desk.click(&testid("complaint-link")).await;
    desk.wait_for_text(&testid("complaint-satisfaction"), "4/5").await;
    desk.screenshot("complaint-closed-en").await;
    desk.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_rep_sees_the_open_complaint_in_chinese_on_the_customer_and_the_quote() {
    let stack = Stack::start().await;
    let (rep, agent, customer) = seed(&stack).await;
    let opts = WriteOptions::default();
    let complaint = CreateComplaint {
        customer_id: customer.id,
        contact_id: None,
        purchase_id: None,
        channel: None,
        category: None,
        priority: Some(Priority::Urgent),
        subject: "发票金额有误".into(),
        description: None,
        assignee_id: None,
    };
    let complaint = agent.create_complaint(&complaint, &opts).await.unwrap();
    let line = NewLine {
        product_id: None,
        description: Some("扫描枪".into()),
        quantity: "2".parse().unwrap(),
        unit_price: Some("300.00".parse().unwrap()),
        discount_percent: None,
        tax_rate_percent: None,
    };
    let quote = CreateQuote {
        customer_id: customer.id,
        lead_id: None,
        contact_id: None,
        currency: "CNY".into(),
        valid_until: None,
        terms: None,
        lines: vec![line],
    };
    let quote = rep.create_quote(&quote, &opts).await.unwrap();

    let browser = stack.browser(Viewport::PHONE, "zh-CN").await;
    browser.sign_in(REP_EMAIL, PASSWORD).await;
    browser.open(&format!("/customers/{}", customer.id)).await;
    browser.wait_for_text(&testid("complaint-banner"), "有 1 条未结投诉").await;
    browser.wait_for_text(&testid("complaint-banner"), &complaint.number).await;
    browser.wait_for_text(&testid("customer-complaints"), "紧急").await;
    browser.wait_for_text(&testid("customer-complaints"), "剩余").await;
    assert_fits(&browser).await;
    browser.screenshot("customer-complaint-zh").await;
    let _: Option<bool> =
        browser.script("document.querySelector('[data-testid=\"customer-complaints\"]').scrollIntoView()").await;
    browser.screenshot("customer-complaints-card-zh").await;

    browser.open(&format!("/quotes/{}", quote.id)).await;
    browser.wait_for_text(&testid("quote-complaint-warning"), "紧急投诉").await;
    browser.wait_for_text(&testid("quote-complaint-warning"), "发票金额有误").await;
    assert_fits(&browser).await;
    browser.screenshot("quote-complaint-zh").await;

    // The quote editor says it too, and the rep opens the complaint from there. Meanwhile someone
    // else starts work on it, so the rep's Acknowledge comes too late: the page says so in Chinese
    // and shows the complaint as it now is.
    browser.open(&format!("/quotes/new?customer_id={}", customer.id)).await;
    browser.wait_for_text(&testid("quote-complaint-warning"), &complaint.number).await;
    browser.click(&testid("quote-complaint-link")).await;
    browser.wait_for_text(&testid("complaint-status"), "待受理").await;
    browser.wait_for_text(&testid("complaint-priority"), "紧急").await;
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    admin.complaint_action(&complaint.id.to_string(), "start", &opts).await.unwrap();
    browser.click(&testid("complaint-acknowledge")).await;
    browser.wait_for_text(&testid("complaint-action-error"), "页面已刷新").await;
    browser.wait_for_text(&testid("complaint-status"), "处理中").await;
    assert!(!browser.is_displayed(&testid("complaint-acknowledge")).await, "no longer offered once started");
    browser.screenshot("complaint-moved-zh").await;
    browser.click(&testid("complaint-take")).await;
    browser.wait_for_text(&testid("complaint-assignee"), "我").await;
    browser.wait_for_text(&testid("complaint-timeline"), "指派给 Sun Li").await;
    assert_fits(&browser).await;
    browser.screenshot("complaint-taken-zh").await;
    let taken = rep.get_complaint(&complaint.id.to_string()).await.unwrap();
    let me = rep.me().await.unwrap();
    assert_eq!(taken.assignee_id, Some(me.id));
    browser.quit().await;
}
