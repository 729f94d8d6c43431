//! Importing and exporting customers in a real browser. On a phone in English a sales rep picks a
//! CSV file with two bad rows, sees each bad row and column and that nothing was written, picks the
//! corrected file, checks it, imports it, finds an imported customer, and exports the list: the
//! file holds what the rep sees and nothing of another owner's. In Chinese the wizard speaks Chinese.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::customer::CreateCustomer;
use kehu_core::user::{CreateUser, Role};
use kehu_e2e::thirtyfour::prelude::*;
use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Browser, Stack, Viewport, testid};

const REP_EMAIL: &str = "qian.li@e2e.kehu.test";
const REP_PASSWORD: &str = "rep-Password-123";
const HIDDEN: &str = "Hidden Holdings (admin's own)";

const BAD_CSV: &str = "external_id,name,level,phone,email,tags\n\
crm-1,深圳市大疆创新科技有限公司,A,0755 2665 6677,dji@example.com,drone;华南\n\
crm-2,Globex Trading,B,,not-an-email,\n\
crm-3,Initech,Z,,,\n\
crm-4,Umbrella Co,C,,,\n";

const GOOD_CSV: &str = "external_id,name,level,phone,email,tags\n\
crm-1,深圳市大疆创新科技有限公司,A,0755 2665 6677,dji@example.com,drone;华南\n\
crm-2,Globex Trading,B,,sales@globex.example,\n\
crm-3,Initech,C,,,\n\
crm-4,Umbrella Co,C,,,\n";

/// A sales rep, and a customer of the administrator's that the rep must never see.
async fn seed(stack: &Stack) -> Client {
    let admin = stack.client();
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
    let rep = CreateUser {
        email: REP_EMAIL.into(),
        name: "Qian Li".into(),
        role: Role::Sales,
        password: REP_PASSWORD.into(),
        team_id: None,
        locale: None,
        max_discount_percent: None,
        pool_cap: None,
    };
    admin.create_user(&rep, &WriteOptions::default()).await.unwrap();
    let mine = CreateCustomer { name: HIDDEN.into(), ..CreateCustomer::default() };
    admin.create_customer(&mine, &WriteOptions::default()).await.unwrap();
    let rep = stack.client();
    rep.login(REP_EMAIL, REP_PASSWORD).await.unwrap();
    rep
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_rep_checks_a_file_fixes_it_imports_it_and_exports_what_they_see() {
    let stack = Stack::start().await;
    let rep = seed(&stack).await;
    let files = tempfile::TempDir::with_prefix("kehu-e2e-csv-").unwrap();
    let bad = write(files.path(), "customers-bad.csv", BAD_CSV);
    let good = write(files.path(), "customers.csv", GOOD_CSV);

    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    browser.open("/customers").await;
    browser.click(&testid("customers-import")).await;
    browser.wait_for_path("/import").await;
    browser.wait_for_text(&testid("page-title"), "Import").await;
    browser.screenshot("import-en").await;

    // The bad file: every bad row is named with its line and column, and nothing is written.
    choose_file(&browser, &bad).await;
    browser.wait_for_text(&testid("import-rows"), "About 4 rows").await;
    browser.click(&testid("import-check")).await;
    let report = browser.wait_for_text(&testid("import-report"), "Nothing was written").await;
    assert!(report.contains("2 problems in 4 rows"), "{report}");
    let rows = error_rows(&browser).await;
    assert_eq!(
        rows,
        vec![("3".to_owned(), "email".to_owned()), ("4".to_owned(), "level".to_owned())],
        "the report names the wrong rows or columns"
    );
    assert_fits(&browser).await;
    browser.screenshot("import-report-en").await;
    assert_eq!(count(&rep, "Umbrella").await, 0, "a check wrote a row");

    // The corrected file: checked, then imported.
    browser.click(&testid("import-again")).await;
    choose_file(&browser, &good).await;
    browser.wait_for_text(&testid("import-rows"), "About 4 rows").await;
    browser.click(&testid("import-check")).await;
    browser.wait_for_text(&testid("import-checked"), "All 4 rows are ready").await;
    assert_eq!(count(&rep, "Umbrella").await, 0, "a clean check wrote a row");
    browser.screenshot("import-checked-en").await;
    browser.click(&testid("import-commit")).await;
    browser.wait_for_text(&testid("import-done"), "4 new, 0 updated").await;
    assert_fits(&browser).await;
    browser.screenshot("import-done-en").await;
    assert_eq!(count(&rep, "Umbrella").await, 1);

    browser.click(&testid("import-to-customers")).await;
    browser.wait_for_path("/customers").await;
    browser.fill(&testid("customers-search"), "大疆").await;
    browser.wait_for_text(&testid("customers-list"), "深圳市大疆创新科技有限公司").await;

    // The export is of the list as filtered: the search first, then everything the rep sees.
    browser.click(&testid("customers-export")).await;
    let csv = String::from_utf8(browser.downloaded("kehu-customers.csv").await).unwrap();
    assert!(csv.starts_with('\u{feff}'), "no byte-order mark");
    assert!(csv.contains("深圳市大疆创新科技有限公司"), "{csv}");
    assert!(!csv.contains("Umbrella Co"), "the export ignored the search: {csv}");
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_export_holds_only_what_the_rep_sees_and_the_wizard_speaks_chinese() {
    let stack = Stack::start().await;
    let rep = seed(&stack).await;
    for name in ["Acme Trading", "Globex Trading"] {
        let body = CreateCustomer { name: name.into(), ..CreateCustomer::default() };
        rep.create_customer(&body, &WriteOptions::default()).await.unwrap();
    }

    let browser = stack.browser(Viewport::DESKTOP, "zh-CN").await;
    browser.sign_in(REP_EMAIL, REP_PASSWORD).await;
    browser.open("/customers").await;
    browser.wait_for_text(&testid("customers-list"), "Globex Trading").await;
    browser.wait_for_text(&testid("customers-export"), "导出").await;
    browser.click(&testid("customers-export")).await;
    let csv = String::from_utf8(browser.downloaded("kehu-customers.csv").await).unwrap();
    assert!(csv.contains("Acme Trading") && csv.contains("Globex Trading"), "{csv}");
    assert!(!csv.contains(HIDDEN), "the export holds another owner's customer: {csv}");

    browser.click(&testid("customers-import")).await;
    browser.wait_for_text(&testid("page-title"), "从表格导入").await;
    browser.wait_for_text(&testid("import"), "选择 CSV 文件").await;
    browser.screenshot("import-zh").await;
    browser.quit().await;
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Picks `path` in the file chooser, as a person choosing it in the system's dialog would.
async fn choose_file(browser: &Browser, path: &Path) {
    // The input lies, transparent, over the drop box; it is there, if unseen.
    let input = browser.driver.query(By::Css(testid("import-file"))).first().await.unwrap();
    input.send_keys(path.to_string_lossy()).await.unwrap();
}

/// The (row, column) pairs of the report's table, top to bottom.
async fn error_rows(browser: &Browser) -> Vec<(String, String)> {
    browser.testid("import-errors").await;
    browser
        .script(
            "return [...document.querySelectorAll('[data-testid=\"import-error\"]')]\
             .map(tr => [tr.cells[0].textContent.trim(), tr.cells[1].textContent.trim()])",
        )
        .await
}

/// How many customers the rep finds with `q`.
async fn count(rep: &Client, q: &str) -> usize {
    rep.list_customers(&ListQuery::new().param("q", q)).await.unwrap().data.len()
}

async fn assert_fits(browser: &Browser) {
    let (page, window): (i64, i64) =
        browser.script("return [document.documentElement.scrollWidth, window.innerWidth]").await;
    assert!(page <= window, "the page is {page} px wide in a {window} px window");
}
