//! The harness of Kehu's browser tests.
//!
//! [`Stack::start`] brings up everything a test needs, from scratch and on free ports: the `kehu`
//! server with a fresh database and a known administrator, and chromedriver. [`Stack::browser`]
//! opens a headless Chromium with a profile of its own. Dropping them stops what they started.
//!
//! Whatever does not come up fails the test, with the reason and the tail of the process's log;
//! a browser test that silently skips is a test that never runs.
//!
//! Environment:
//! - `KEHU_BIN`: the server binary; default `<target dir>/debug/kehu`.
//! - `KEHU_WEB_DIR`: the built web app; default `frontend/dist` (build it with `frontend/build.sh`).
//! - `KEHU_CHROMIUM`: the browser; default `/usr/bin/chromium`. `KEHU_CHROMEDRIVER`: the driver;
//!   default `chromedriver` on `PATH`.
//! - `CARGO_TARGET_DIR`: where screenshots go (`e2e-screenshots/`), default `<workspace>/target`.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use thirtyfour::prelude::*;

pub use thirtyfour;

pub const ADMIN_EMAIL: &str = "admin@e2e.kehu.test";
pub const ADMIN_PASSWORD: &str = "e2e-Correct-Horse-42";

/// How long a process may take to answer. Generous: a debug server on a small machine, with other
/// tests starting their own stacks at the same time.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);
/// How long the app may take to show something after an action.
pub const UI_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// A browser window size the app must work at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// Used in screenshot names.
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    /// Emulate a phone: touch input and a mobile viewport.
    pub mobile: bool,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport { name: "desktop", width: 1280, height: 800, mobile: false };
    /// A small Android phone, the narrowest screen the app is designed for.
    pub const PHONE: Viewport = Viewport { name: "phone", width: 360, height: 740, mobile: true };
}

pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

fn free_port() -> u16 {
    let listener =
        TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("cannot bind a local port for the test: {e}"));
    match listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => panic!("cannot read the local port: {e}"),
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// A child process that dies with its guard, together with everything it started.
struct Process {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &'static str, mut command: Command, log_dir: &Path) -> Process {
        let log = log_dir.join(format!("{name}.log"));
        let out = File::create(&log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err = out.try_clone().unwrap_or_else(|e| panic!("cannot share {}: {e}", log.display()));
        // A group of its own, so that dropping the guard also ends the browsers chromedriver starts.
        command.stdin(Stdio::null()).stdout(out).stderr(err).process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({}): {e}", command.get_program().to_string_lossy()));
        Process { name, child, log }
    }

    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn log_tail(&self) -> String {
        let Ok(file) = File::open(&self.log) else {
            return format!("(no log at {})", self.log.display());
        };
        let lines: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
        let start = lines.len().saturating_sub(40);
        lines[start..].join("\n")
    }

    /// Polls `url` until it answers with a success status.
    async fn wait_until_ok(&mut self, url: &str) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|e| panic!("cannot build an HTTP client: {e}"));
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.exited() {
                panic!(
                    "{} exited ({status}) before {url} answered.\n--- {} ---\n{}",
                    self.name,
                    self.log.display(),
                    self.log_tail()
                );
            }
            let last = match http.get(url).send().await {
                Ok(resp) if resp.status().is_success() => return,
                Ok(resp) => format!("HTTP {}", resp.status()),
                Err(e) => e.to_string(),
            };
            if Instant::now() > deadline {
                panic!(
                    "{} did not answer {url} within {STARTUP_TIMEOUT:?} (last: {last}).\n--- {} ---\n{}",
                    self.name,
                    self.log.display(),
                    self.log_tail()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let group = format!("-{}", self.child.id());
            let _ =
                Command::new("kill").args(["-KILL", "--", &group]).stdout(Stdio::null()).stderr(Stdio::null()).status();
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A running server and chromedriver for one test.
pub struct Stack {
    /// The server's origin, e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    driver_url: String,
    chromium: PathBuf,
    // Fields drop in order: the processes end before their folders go.
    server: Process,
    chromedriver: Process,
    _data_dir: TempDir,
    logs: TempDir,
}

impl Stack {
    /// Starts chromedriver and the server; panics with the reason if either does not come up.
    pub async fn start() -> Stack {
        let web_dir = env_path("KEHU_WEB_DIR").unwrap_or_else(|| workspace_root().join("frontend").join("dist"));
        Stack::serving(&web_dir).await
    }

    /// Like [`Stack::start`], with the web app read from `web_dir`. The server reads its files on
    /// every request, so a test may change them while it runs.
    pub async fn serving(web_dir: &Path) -> Stack {
        let logs =
            TempDir::with_prefix("kehu-e2e-logs-").unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));

        let chromium = env_path("KEHU_CHROMIUM").unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        assert!(
            chromium.is_file(),
            "Chromium not found at {} (install `chromium` or set KEHU_CHROMIUM)",
            chromium.display()
        );

        let bin = env_path("KEHU_BIN").unwrap_or_else(|| target_dir().join("debug").join("kehu"));
        assert!(
            bin.is_file(),
            "the server binary {} does not exist: run `cargo build -p kehu-api` or set KEHU_BIN",
            bin.display()
        );
        assert!(
            web_dir.join("index.html").is_file() && web_dir.join("kehu_web_bg.wasm").is_file(),
            "the web app is not built in {}: run `frontend/build.sh` or set KEHU_WEB_DIR",
            web_dir.display()
        );

        let driver_port = free_port();
        let driver = env_path("KEHU_CHROMEDRIVER").unwrap_or_else(|| PathBuf::from("chromedriver"));
        let mut command = Command::new(&driver);
        command.arg(format!("--port={driver_port}"));
        let mut chromedriver = Process::spawn("chromedriver", command, logs.path());
        let driver_url = format!("http://127.0.0.1:{driver_port}");
        chromedriver.wait_until_ok(&format!("{driver_url}/status")).await;

        let data_dir =
            TempDir::with_prefix("kehu-e2e-data-").unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
        let port = free_port();
        let mut command = Command::new(&bin);
        command
            .arg("serve")
            .env("KEHU_BIND", format!("127.0.0.1:{port}"))
            .env("KEHU_DATA_DIR", data_dir.path())
            .env("KEHU_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("KEHU_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("KEHU_WEB_DIR", web_dir)
            .env_remove("KEHU_DATABASE_URL")
            .env_remove("KEHU_CONFIG");
        let mut server = Process::spawn("kehu", command, logs.path());
        let base_url = format!("http://127.0.0.1:{port}");
        server.wait_until_ok(&format!("{base_url}/healthz")).await;

        Stack { base_url, driver_url, chromium, server, chromedriver, _data_dir: data_dir, logs }
    }

    /// A typed API client for this server, for checks and setup that need no browser.
    pub fn client(&self) -> kehu_client::Client {
        kehu_client::Client::new(self.base_url.clone()).unwrap_or_else(|e| panic!("cannot build the API client: {e}"))
    }

    /// The server's log so far, for failure messages.
    pub fn server_log(&self) -> String {
        self.server.log_tail()
    }

    /// Opens a fresh headless Chromium at `viewport`, with `lang` as the browser's language.
    pub async fn browser(&self, viewport: Viewport, lang: &str) -> Browser {
        let profile = TempDir::with_prefix("kehu-e2e-chromium-")
            .unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
        let mut caps = DesiredCapabilities::chrome();
        let chromium = self.chromium.to_string_lossy();
        let setup = (|| -> WebDriverResult<()> {
            caps.set_binary(&chromium)?;
            // Without the networking switches Chromium keeps calling home, which on a closed
            // network only produces refused connections and slow starts.
            for arg in [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
            ] {
                caps.add_arg(arg)?;
            }
            caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
            caps.add_arg(&format!("--window-size={},{}", viewport.width, viewport.height))?;
            caps.add_arg(&format!("--lang={lang}"))?;
            caps.add_experimental_option("prefs", chromium_prefs(lang, &profile.path().join(DOWNLOADS)))?;
            // Emulated metrics make the page exactly this size: a headless window is at least
            // 500 px wide, and its outer size includes room for browser controls it does not show.
            caps.add_experimental_option(
                "mobileEmulation",
                serde_json::json!({ "deviceMetrics": {
                    "width": viewport.width,
                    "height": viewport.height,
                    "pixelRatio": 1,
                    "touch": viewport.mobile,
                    "mobile": viewport.mobile,
                } }),
            )?;
            Ok(())
        })();
        if let Err(e) = setup {
            panic!("cannot describe the browser to chromedriver: {e}");
        }
        let driver = match WebDriver::new(self.driver_url.clone(), caps).await {
            Ok(driver) => driver,
            Err(e) => panic!(
                "chromedriver could not start {}: {e}\n--- {} ---\n{}",
                self.chromium.display(),
                self.chromedriver.log.display(),
                self.chromedriver.log_tail()
            ),
        };
        Browser { driver, base_url: self.base_url.clone(), viewport, profile }
    }

    /// Where the processes' logs are, while the stack runs.
    pub fn log_dir(&self) -> &Path {
        self.logs.path()
    }
}

/// The folder of a browser's profile that its downloads go to.
const DOWNLOADS: &str = "downloads";

fn chromium_prefs(lang: &str, downloads: &Path) -> serde_json::Value {
    serde_json::json!({
        "intl": { "accept_languages": lang },
        "download": { "default_directory": downloads, "prompt_for_download": false },
    })
}

/// One headless Chromium, with helpers that wait for the app rather than sleep.
pub struct Browser {
    pub driver: WebDriver,
    pub base_url: String,
    pub viewport: Viewport,
    profile: TempDir,
}

impl Browser {
    /// Signs in through the login page and waits for the home page.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.open("/login").await;
        self.fill(&testid("login-email"), email).await;
        self.fill(&testid("login-password"), password).await;
        self.click(&testid("login-submit")).await;
        self.testid("home-greeting").await;
    }

    /// Opens `path` (e.g. `/login`) on the server under test.
    pub async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base_url);
        if let Err(e) = self.driver.goto(url.as_str()).await {
            panic!("cannot open {url}: {e}");
        }
        // Checked on the app's page: before it, a phone has no viewport meta tag to honour.
        let size: (i64, i64) = self.script("return [window.innerWidth, window.innerHeight]").await;
        assert_eq!(
            size,
            (i64::from(self.viewport.width), i64::from(self.viewport.height)),
            "the {} page has the wrong size",
            self.viewport.name
        );
    }

    pub async fn reload(&self) {
        if let Err(e) = self.driver.refresh().await {
            panic!("cannot reload the page: {e}");
        }
    }

    /// The path of the current URL, e.g. `/login`.
    pub async fn path(&self) -> String {
        match self.driver.current_url().await {
            Ok(url) => url.path().to_owned(),
            Err(e) => panic!("cannot read the current URL: {e}"),
        }
    }

    /// Waits until the app has gone to `expected` (a path such as `/users`).
    pub async fn wait_for_path(&self, expected: &str) {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let path = self.path().await;
            if path == expected {
                return;
            }
            if Instant::now() > deadline {
                self.fail(&format!("the app did not go to {expected} within {UI_TIMEOUT:?}; it is at {path}")).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until an element matching `css` is displayed, and returns it.
    pub async fn find(&self, css: &str) -> WebElement {
        let found = self.driver.query(By::Css(css)).and_displayed().wait(UI_TIMEOUT, POLL).first().await;
        match found {
            Ok(element) => element,
            Err(e) => self.fail(&format!("no visible `{css}` within {UI_TIMEOUT:?}: {e}")).await,
        }
    }

    /// Waits until the element with `data-testid="{id}"` is displayed, and returns it.
    pub async fn testid(&self, id: &str) -> WebElement {
        self.find(&testid(id)).await
    }

    /// Waits until the visible element matching `css` shows `expected` (a substring), and returns
    /// the whole text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + UI_TIMEOUT;
        let mut seen = String::from("(not displayed)");
        loop {
            if let Ok(Some(element)) = self.driver.query(By::Css(css)).and_displayed().nowait().first_opt().await
                && let Ok(text) = element.text().await
            {
                if text.contains(expected) {
                    return text;
                }
                seen = text;
            }
            if Instant::now() > deadline {
                self.fail(&format!("`{css}` did not show {expected:?} within {UI_TIMEOUT:?}; it shows {seen:?}")).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether an element matching `css` exists and is displayed right now.
    pub async fn is_displayed(&self, css: &str) -> bool {
        match self.driver.find_all(By::Css(css)).await {
            Ok(elements) => {
                for element in elements {
                    if element.is_displayed().await.unwrap_or(false) {
                        return true;
                    }
                }
                false
            }
            Err(_) => false,
        }
    }

    /// Types into a field, replacing what it held. Typing (rather than setting the value) fires
    /// the input events the app listens to.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        self.bring_to_middle(&field).await;
        let typed = async {
            field.click().await?;
            field.send_keys(Key::Control + "a").await?;
            field.send_keys(Key::Backspace).await?;
            field.send_keys(text).await
        };
        if let Err(e) = typed.await {
            self.fail(&format!("cannot type into `{css}`: {e}")).await;
        }
    }

    /// Chooses the option of the drop-down matching `css` whose text contains `text`, as a user
    /// would, so the app sees the change event.
    pub async fn choose(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        self.bring_to_middle(&field).await;
        let chosen = async {
            let select = thirtyfour::components::SelectElement::new(&field).await?;
            select.select_by_partial_text(text).await
        };
        if let Err(e) = chosen.await {
            self.fail(&format!("cannot choose {text:?} in `{css}`: {e}")).await;
        }
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.bring_to_middle(&element).await;
        if let Err(e) = element.click().await {
            self.fail(&format!("cannot click `{css}`: {e}")).await;
        }
    }

    /// Scrolls `element` to the middle of the window, as a user would before touching it: at the
    /// edge a fixed bar may cover it, and the click would land on the bar.
    async fn bring_to_middle(&self, element: &WebElement) {
        let arg = match element.to_json() {
            Ok(arg) => arg,
            Err(e) => self.fail(&format!("cannot refer to an element in a script: {e}")).await,
        };
        let scrolled = self.driver.execute("arguments[0].scrollIntoView({ block: 'center' })", vec![arg]).await;
        if let Err(e) = scrolled {
            self.fail(&format!("cannot scroll to an element: {e}")).await;
        }
    }

    /// Runs `script` in the page and decodes what it returns.
    pub async fn script<T: serde::de::DeserializeOwned>(&self, script: &str) -> T {
        let ret = match self.driver.execute(script, Vec::<serde_json::Value>::new()).await {
            Ok(ret) => ret,
            Err(e) => panic!("script {script:?} failed: {e}"),
        };
        match ret.convert::<T>() {
            Ok(value) => value,
            Err(e) => panic!("script {script:?} returned something unexpected: {e}"),
        }
    }

    /// Saves a PNG as `e2e-screenshots/<viewport>-<name>.png` under the target folder.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = screenshot_dir();
        if let Err(e) = fs::create_dir_all(&dir) {
            panic!("cannot create {}: {e}", dir.display());
        }
        let path = dir.join(format!("{}-{name}.png", self.viewport.name));
        if let Err(e) = self.driver.screenshot(&path).await {
            panic!("cannot save {}: {e}", path.display());
        }
        path
    }

    /// Fails the test, keeping a screenshot of what the browser showed.
    async fn fail(&self, message: &str) -> ! {
        let shot = screenshot_dir().join(format!("{}-failure.png", self.viewport.name));
        let saved = match fs::create_dir_all(screenshot_dir()) {
            Ok(()) => self.driver.screenshot(&shot).await.is_ok(),
            Err(_) => false,
        };
        let url = self.driver.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let note = if saved { format!("; screenshot: {}", shot.display()) } else { String::new() };
        panic!("[{} at {url}] {message}{note}", self.viewport.name);
    }

    /// Waits until the browser has saved a download named `name`, and returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.profile.path().join(DOWNLOADS).join(name);
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            // Chromium writes into `<name>.crdownload` and renames it when the file is complete.
            if let Ok(bytes) = fs::read(&path) {
                return bytes;
            }
            if Instant::now() > deadline {
                self.fail(&format!("no download {} within {UI_TIMEOUT:?}", path.display())).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Ends the browser session; dropping without it also ends it, but blocks a thread to do so.
    pub async fn quit(self) {
        let _ = self.driver.quit().await;
    }
}

/// The CSS selector of a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}
