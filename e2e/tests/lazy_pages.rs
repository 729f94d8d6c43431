//! Pages load their code when first opened. A first visit fetches only the main module; a page
//! whose code cannot be fetched says so and offers to try again, and trying again works once the
//! code can be had.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use kehu_e2e::{ADMIN_EMAIL, ADMIN_PASSWORD, Stack, Viewport, testid, workspace_root};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_page_code_arrives_on_demand_and_a_failed_fetch_can_be_retried() {
    let built = std::env::var_os("KEHU_WEB_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| workspace_root().join("frontend").join("dist"), PathBuf::from);
    // A copy, since the test takes a file away while the app runs.
    let web = tempfile::TempDir::with_prefix("kehu-e2e-web-").unwrap();
    copy_dir(&built, web.path());
    let admin_part = page_file(web.path(), "split_admin");

    let stack = Stack::serving(web.path()).await;
    let browser = stack.browser(Viewport::PHONE, "en-US").await;
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let fetched = "return performance.getEntriesByType('resource').map(e => e.name)";
    let first: Vec<String> = browser.script(fetched).await;
    assert!(first.iter().any(|n| n.ends_with("/kehu_web_bg.wasm")), "{first:?}");
    assert!(!first.iter().any(|n| n.contains("split_")), "sign-in and home must not fetch any page's code: {first:?}");

    // The administration's code is gone (as after an upgrade, or with the network down).
    let hidden = admin_part.with_extension("hidden");
    std::fs::rename(&admin_part, &hidden).unwrap();
    browser.click(&format!("{} {}", testid("bottom-nav"), testid("nav-admin"))).await;
    browser.wait_for_path("/users").await;
    browser.wait_for_text(&testid("page-failed"), "Check your connection").await;
    browser.screenshot("page-code-failed-en").await;

    // Back again: Try again shows the page without a reload.
    std::fs::rename(&hidden, &admin_part).unwrap();
    browser.click(&format!("{} button", testid("page-failed"))).await;
    browser.wait_for_text(&testid("users-list"), ADMIN_EMAIL).await;
    let later: Vec<String> = browser.script(fetched).await;
    assert!(later.iter().any(|n| n.contains("split_admin")), "{later:?}");
    browser.quit().await;
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The file of a split section, whose name carries the build's id.
fn page_file(dir: &Path, prefix: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no {prefix}.*.wasm in {}", dir.display()))
}
