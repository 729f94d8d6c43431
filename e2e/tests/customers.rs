//! Customers in a real browser. On a phone in English a sales rep finds a customer by typing part
//! of its Chinese name, opens it and logs a visit in three taps, sees the day's tasks, and claims a
//! customer from the pool until the pool cap says no. On a wide screen in Chinese the rep opens a
//! customer and creates a look-alike, which the app flags before creating it anyway.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use kehu_client::{Client, WriteOptions};
use kehu_core::activity::{ActivityKind, CreateActivity};
use kehu_core::contact::CreateContact;
use kehu_core::customer::{CreateCustomer, Customer, CustomerLevel};
use kehu_core::settings::{CustomFieldDef, CustomFieldKind, CustomFieldSets, UpdateSettings};
use kehu_core::user::{CreateUser, Role};
use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};

const REP_EMAIL: &str = "zhao.min@e2e.kehu.test";
const REP_PASSWORD: &str = "rep-Password-123";
const HUAWEI: &str = "华为技术有限公司";
const LONG_NAME: &str = "深圳市前海微众银行股份有限公司华南大区客户服务与数字化运营中心";

/// What the seed made: the rep's client and the customers the tests open.
struct Seed {
    huawei: Customer,
    pool: Vec<Customer>,
}

/// A sales rep holding at most `pool_cap` customers, three of their own (one with a name long
/// enough to wrap) and `more` plain ones, a contact and some history at Huawei, an overdue task,
/// and two customers in the pool; all made through the typed client.
async fn seed(stack: &Stack, pool_cap: i32, more: usize) -> Seed {
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let rep = CreateUser {
        email: REP_EMAIL.into(),
        name: "Zhao Min".into(),
        role: Role::Sales,
        password: REP_PASSWORD.into(),
        team_id: None,
        locale: None,
        max_discount_percent: None,
        pool_cap: Some(pool_cap),
    };
    admin.create_user(&rep, &WriteOptions::default()).await.unwrap();
    let rep = stack.client();
    rep.login(REP_EMAIL, REP_PASSWORD).await.unwrap();

    let huawei = create(
        &rep,
        CreateCustomer {
            name: HUAWEI.into(),
            level: Some(CustomerLevel::A),
            phone: Some("+86 755 2878 0808".into()),
            email: Some("sales@huawei.example".into()),
            tags: vec!["VIP".into(), "华南".into()],
            ..CreateCustomer::default()
        },
    )
    .await;
    create(&rep, CreateCustomer { name: "ACME Trading".into(), level: Some(CustomerLevel::B), ..Default::default() })
        .await;
    create(&rep, CreateCustomer { name: LONG_NAME.into(), phone: Some("021 6552 9988".into()), ..Default::default() })
        .await;
    for n in 1..=more {
        create(&rep, CreateCustomer { name: format!("Customer {n:02}"), ..Default::default() }).await;
    }
    let contact = CreateContact {
        customer_id: huawei.id,
        name: "李娜".into(),
        title: Some("采购经理".into()),
        department: None,
        phone: None,
        mobile: Some("138 0013 8000".into()),
        email: Some("li.na@huawei.example".into()),
        birthday: None,
        preferred_channel: None,
        do_not_contact: None,
        is_primary: true,
        notes: None,
        custom_fields: Default::default(),
    };
    rep.create_contact(&contact, &WriteOptions::default()).await.unwrap();
    let activity = |kind, subject: &str, due_at| CreateActivity {
        kind,
        subject: subject.into(),
        body: Some("Discussed the spring order; they want a quote by Friday.".into()),
        customer_id: huawei.id,
        contact_id: None,
        lead_id: None,
        quote_id: None,
        purchase_id: None,
        complaint_id: None,
        owner_id: None,
        due_at,
        done_at: None,
    };
    rep.create_activity(&activity(ActivityKind::Call, "Intro call", None), &WriteOptions::default()).await.unwrap();
    let overdue = Some(Utc::now() - Duration::hours(2));
    rep.create_activity(&activity(ActivityKind::Task, "Send the quote", overdue), &WriteOptions::default())
        .await
        .unwrap();

    let mut pool = Vec::new();
    for name in ["深圳市腾讯计算机系统有限公司", "Globex Corporation"] {
        let body = CreateCustomer { name: name.into(), owner_id: Some(None), ..CreateCustomer::default() };
        pool.push(create(&admin, body).await);
    }
    Seed { huawei, pool }
}

async fn create(client: &Client, body: CreateCustomer) -> Customer {
    client.create_customer(&body, &WriteOptions::default()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_rep_finds_a_customer_logs_a_visit_and_claims_from_the_pool_in_english() {
    let stack = Stack::start().await;
    // Three of their own and one claimed: the second claim goes over the cap.
    let seed = seed(&stack, 4, 0).await;
    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    let nav = |id: &str| format!("{} {}", testid("bottom-nav"), testid(id));

    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    // The day comes first: the overdue task, linked to its customer.
    browser.wait_for_text(&testid("day-tasks"), "Send the quote").await;
    browser.wait_for_text(&testid("day-task-customer"), HUAWEI).await;
    browser.wait_for_text(&testid("day-tasks"), "Overdue").await;
    browser.wait_for_text(&testid("follow-ups"), "ACME Trading").await;
    assert_fits(&browser).await;
    browser.screenshot("customers-home-en").await;

    browser.click(&nav("nav-customers")).await;
    browser.wait_for_path("/customers").await;
    browser.wait_for_text(&testid("customers-list"), "ACME Trading").await;
    wait_until_rows(&browser, "customer-row", 3).await;
    browser.wait_for_text(&testid("customers-list"), LONG_NAME).await;
    browser.wait_for_text(&testid("customers-list"), "Level A").await;
    browser.wait_for_text(&testid("customers-list"), "You").await;
    assert_eq!(attr(&browser, "customer-call", "href").await, "tel:+8675528780808");
    assert_fits(&browser).await;
    browser.screenshot("customers-list-en").await;

    // Part of the Chinese name finds that customer and only that one.
    browser.fill(&testid("customers-search"), "华为").await;
    wait_until_rows(&browser, "customer-row", 1).await;
    browser.wait_for_text(&testid("customers-list"), HUAWEI).await;
    browser.screenshot("customers-search-en").await;

    browser.click(&testid("customer-link")).await;
    browser.wait_for_path(&format!("/customers/{}", seed.huawei.id)).await;
    browser.wait_for_text(&testid("page-title"), HUAWEI).await;
    browser.wait_for_text(&testid("customer-head"), "Level A").await;
    browser.wait_for_text(&testid("customer-owner"), "Zhao Min").await;
    browser.wait_for_text(&testid("contacts-list"), "李娜").await;
    browser.wait_for_text(&testid("timeline"), "Intro call").await;
    assert_eq!(attr(&browser, "customer-phone", "href").await, "tel:+8675528780808");
    assert_eq!(attr(&browser, "customer-email", "href").await, "mailto:sales@huawei.example");
    assert_eq!(attr(&browser, "contact-call", "href").await, "tel:13800138000");
    assert!(browser.is_displayed(&testid("customer-release")).await, "the owner cannot release");
    assert!(!browser.is_displayed(&testid("customer-claim")).await, "an owned customer offers Claim");
    assert_fits(&browser).await;
    browser.screenshot("customer-en").await;

    // Logging a visit: every tap after the page opened is counted.
    let mut taps = 0;
    let mut tap = async |css: String| {
        browser.click(&css).await;
        taps += 1;
    };
    tap(testid("log-open")).await;
    browser.testid("log-kind-visit").await;
    // The sheet rises for a fifth of a second; the picture is of where it stops.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_fits(&browser).await;
    browser.screenshot("log-sheet-en").await;
    tap(testid("log-kind-visit")).await;
    let subject: String = browser.script("return document.querySelector('[data-testid=\"log-subject\"]').value").await;
    assert_eq!(subject, "Visit", "the subject is not filled in with the kind");
    browser.screenshot("log-sheet-visit-en").await;
    tap(testid("log-save")).await;
    assert!(taps <= 3, "logging a visit took {taps} taps");
    let first = format!("{} li:first-child", testid("timeline"));
    browser.wait_for_text(&format!("{first} {}", testid("timeline-subject")), "Visit").await;
    browser.wait_for_text(&first, "Zhao Min").await;
    assert!(!browser.is_displayed(&testid("log-sheet")).await, "the sheet stayed open");
    assert_eq!(browser.path().await, format!("/customers/{}", seed.huawei.id), "the page was left");
    browser.screenshot("customer-logged-en").await;

    // The contact: how to reach her, and what she asked.
    browser.click(&testid("contact-link")).await;
    browser.wait_for_text(&testid("page-title"), "李娜").await;
    browser.wait_for_text(&testid("contact-customer"), HUAWEI).await;
    assert_eq!(attr(&browser, "contact-tel", "href").await, "tel:13800138000");
    assert_eq!(attr(&browser, "contact-mailto", "href").await, "mailto:li.na@huawei.example");
    let title: String = browser.script("return document.querySelector('[data-testid=\"contact-title\"]').value").await;
    assert_eq!(title, "采购经理");
    assert_fits(&browser).await;
    browser.screenshot("contact-en").await;
    browser.click(&testid("back-link")).await;
    browser.wait_for_text(&testid("timeline"), "Visit").await;

    // My day on its own page: the task is done in one tap.
    browser.open("/today").await;
    browser.wait_for_text(&testid("page-title"), "My day").await;
    browser.wait_for_text(&testid("day-tasks"), "Send the quote").await;
    assert_fits(&browser).await;
    browser.screenshot("today-en").await;
    browser.click(&testid("task-done")).await;
    browser.testid("tasks-empty").await;

    // The pool: one claim succeeds, the next one is over the rep's cap.
    // On a phone the pool opens from the customer list (the bar holds the pipeline).
    browser.click(&nav("nav-customers")).await;
    browser.click(&testid("customers-pool")).await;
    browser.wait_for_path("/pool").await;
    browser.wait_for_text(&testid("pool-list"), "深圳市腾讯计算机系统有限公司").await;
    wait_until_rows(&browser, "customer-row", 2).await;
    assert_fits(&browser).await;
    browser.screenshot("pool-en").await;
    let claim = format!("{} li:first-child {}", testid("pool-list"), testid("pool-claim"));
    let claimed: String = browser
        .script(
            "return document.querySelector('[data-testid=\"pool-list\"] [data-testid=\"customer-name\"]').textContent",
        )
        .await;
    browser.click(&claim).await;
    browser.wait_for_text(&testid("notice"), "is now yours").await;
    wait_until_rows(&browser, "customer-row", 1).await;
    let api = stack.client();
    api.login(REP_EMAIL, REP_PASSWORD).await.unwrap();
    let mine = seed.pool.iter().find(|c| c.name == claimed.trim()).unwrap();
    assert!(api.get_customer(&mine.id.to_string()).await.unwrap().owner_id.is_some(), "the claim did not stick");
    browser.click(&claim).await;
    browser.wait_for_text(&testid("pool-error"), "as many customers as your limit allows").await;
    wait_until_rows(&browser, "customer-row", 1).await;
    browser.screenshot("pool-cap-en").await;

    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_rep_opens_a_customer_and_creates_a_look_alike_in_chinese() {
    let stack = Stack::start().await;
    // Thirty of the rep's own: a page and a bit.
    let seed = seed(&stack, 40, 27).await;
    let browser = stack.browser(Viewport::DESKTOP, "zh-CN").await;

    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    browser.click(&format!("{} {}", testid("sidebar"), testid("nav-customers"))).await;
    browser.wait_for_path("/customers").await;
    browser.wait_for_text(&testid("customers-list"), "Customer 01").await;
    wait_until_rows(&browser, "customer-row", 25).await;
    browser.screenshot("customers-list-zh").await;
    // The next page comes as the end of the list comes into view.
    browser.script::<serde_json::Value>("window.scrollTo(0, document.body.scrollHeight); return null").await;
    wait_until_rows(&browser, "customer-row", 30).await;
    browser.wait_for_text(&testid("customers-list"), HUAWEI).await;
    browser.fill(&testid("customers-search"), "acme").await;
    wait_until_rows(&browser, "customer-row", 1).await;
    browser.fill(&testid("customers-search"), "").await;
    wait_until_rows(&browser, "customer-row", 25).await;

    // A long history: 25 activities, more than the page shows at first.
    let api = stack.client();
    api.login(REP_EMAIL, REP_PASSWORD).await.unwrap();
    for n in 1..=23 {
        let note = CreateActivity::new(ActivityKind::Note, format!("Note {n:02}"), seed.huawei.id);
        api.create_activity(&note, &WriteOptions::default()).await.unwrap();
    }
    browser.open(&format!("/customers/{}", seed.huawei.id)).await;
    browser.wait_for_text(&testid("page-title"), HUAWEI).await;
    browser.wait_for_text(&testid("customer-head"), "A 级").await;
    browser.wait_for_text(&testid("customer-stage"), "潜在客户").await;
    wait_until_rows(&browser, "timeline-item", 20).await;
    browser.click(&testid("timeline-older")).await;
    wait_until_rows(&browser, "timeline-item", 25).await;
    browser.wait_for_text(&testid("timeline"), "Intro call").await;
    assert!(!browser.is_displayed(&testid("timeline-older")).await, "nothing older is left to show");
    browser.wait_for_text(&testid("contacts-list"), "主要").await;
    browser.screenshot("customer-zh").await;

    // The administrator has defined two custom fields; the form offers and checks them.
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let field = |name: &str, label: &str, kind, required, options: &[&str]| CustomFieldDef {
        name: name.into(),
        label: label.into(),
        kind,
        required,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
    };
    let fields = CustomFieldSets {
        customers: vec![
            field("budget", "年度预算", CustomFieldKind::Number, false, &[]),
            field("region", "大区", CustomFieldKind::Select, true, &["华东", "华南"]),
        ],
        contacts: vec![],
    };
    let settings = UpdateSettings { custom_fields: Some(fields), ..UpdateSettings::default() };
    admin.update_settings(&settings, &WriteOptions::default()).await.unwrap();

    // A name that differs only by its legal form is a possible duplicate.
    browser.open("/customers/new").await;
    browser.wait_for_text(&testid("page-title"), "新建客户").await;
    browser.fill(&testid("customer-name"), "华为技术").await;
    browser.choose(&testid("customer-level"), "B 级").await;
    browser.fill(&testid("customer-tags"), "展会，华南").await;
    browser.fill(&testid("customer-cf-budget"), "很多").await;
    browser.click(&testid("customer-submit")).await;
    browser.wait_for_text(&testid("customer-cf-budget-error"), "请输入数字").await;
    browser.wait_for_text(&testid("customer-cf-region-error"), "此项为必填").await;
    browser.screenshot("customer-custom-fields-zh").await;
    browser.fill(&testid("customer-cf-budget"), "120,5").await;
    browser.choose(&testid("customer-cf-region"), "华南").await;
    browser.click(&testid("customer-submit")).await;
    browser.wait_for_text(&testid("duplicates"), "该客户可能已存在").await;
    browser.wait_for_text(&testid("duplicate-link"), HUAWEI).await;
    browser.wait_for_text(&testid("duplicate-link"), "名称相同").await;
    let href = attr(&browser, "duplicate-link", "href").await;
    assert_eq!(href, format!("/customers/{}", seed.huawei.id));
    browser.screenshot("customer-duplicate-zh").await;
    browser.click(&testid("create-anyway")).await;
    browser.wait_for_text(&testid("notice"), "已创建客户“华为技术”").await;
    browser.wait_for_text(&testid("page-title"), "华为技术").await;
    browser.wait_for_text(&testid("customer-head"), "B 级").await;
    browser.wait_for_text(&testid("customer-head"), "展会").await;
    browser.wait_for_text(&testid("customer-details"), "年度预算").await;
    browser.wait_for_text(&testid("customer-details"), "120.5").await;
    browser.wait_for_text(&testid("customer-details"), "大区").await;
    let path = browser.path().await;
    assert!(path.starts_with("/customers/") && !path.ends_with(&seed.huawei.id.to_string()), "at {path}");
    browser.screenshot("customer-created-zh").await;

    // A contact for it: a mistyped number is caught beside its field, then the contact is added.
    browser.click(&testid("contact-add")).await;
    browser.wait_for_text(&testid("page-title"), "新建联系人").await;
    browser.fill(&testid("contact-name"), "王伟").await;
    browser.fill(&testid("contact-title"), "总经理").await;
    browser.fill(&testid("contact-mobile"), "12").await;
    browser.click(&testid("contact-primary")).await;
    browser.click(&testid("contact-submit")).await;
    browser.wait_for_text(&testid("contact-mobile-error"), "请输入有效的电话号码").await;
    browser.screenshot("contact-new-zh").await;
    browser.fill(&testid("contact-mobile"), "139 1234 5678").await;
    browser.click(&testid("contact-submit")).await;
    browser.wait_for_text(&testid("notice"), "已添加联系人“王伟”").await;
    browser.wait_for_text(&testid("contacts-list"), "王伟").await;
    browser.wait_for_text(&testid("contacts-list"), "主要").await;
    browser.wait_for_text(&testid("count-contacts"), "1").await;

    // An unknown customer is the app's not-found state, in the shell.
    browser.open("/customers/0191d2e0-0000-7000-8000-000000000000").await;
    browser.wait_for_text(&testid("not-found"), "找不到该记录").await;

    browser.quit().await;
}

/// An attribute of the first visible element with `data-testid="{id}"`.
async fn attr(browser: &Browser, id: &str, name: &str) -> String {
    let element = browser.testid(id).await;
    element.attr(name).await.unwrap().unwrap_or_default()
}

/// The page is no wider than the window: nothing pushes it sideways on a phone.
async fn assert_fits(browser: &Browser) {
    let (page, window): (i64, i64) =
        browser.script("return [document.documentElement.scrollWidth, window.innerWidth]").await;
    assert!(page <= window, "the page is {page} px wide in a {window} px window");
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
