//! The test harness: the real app on port 0 against a fresh database per test, driven over HTTP.
//! SQLite by default (a temp file); PostgreSQL when `KEHU_TEST_PG_URL` is set (a database per test,
//! copied from a template that is migrated once per migration set). Requests go through a proxy that
//! checks every response against the committed API document (see `contract`).

#![allow(dead_code, clippy::unwrap_used)]

pub mod contract;

use std::collections::HashMap;

use actix_web::dev::ServerHandle;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kehu_api::app;
use kehu_api::config::Config;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
/// The password of users made by [`TestApp::user`].
pub const USER_PASSWORD: &str = "a long enough password";
pub const JWT_SECRET: &str = "test-secret-0123456789-0123456789-0123456789";

pub struct TestApp {
    pub base: String,
    pub client: kehu_client::Client,
    /// A plain HTTP client without a cookie jar, for requests the typed client cannot make.
    pub http: reqwest::Client,
    pub backend: kehu_store::Backend,
    /// The test's database, for checks of what the API does not show (e.g. the outbox).
    pub database_url: String,
    /// The server's clock, standing still at the start of the test until the test moves it.
    pub clock: kehu_app::clock::Clock,
    handle: ServerHandle,
    proxy: ServerHandle,
    /// Responses that broke the API document; the test fails with them when the app is dropped.
    violations: contract::Violations,
    _dir: tempfile::TempDir,
    pg: Option<PgTestDb>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(&[]).await
    }

    /// As [`TestApp::spawn`], with some settings changed.
    pub async fn spawn_with(settings: &[(&'static str, &str)]) -> TestApp {
        let pg_url = std::env::var("KEHU_TEST_PG_URL").ok().filter(|u| !u.is_empty());
        TestApp::spawn_on(pg_url.as_deref(), settings).await
    }

    /// As [`TestApp::spawn_with`], on a database of this PostgreSQL server, or SQLite for `None`.
    pub async fn spawn_on(pg_url: Option<&str>, settings: &[(&'static str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let pg = pg_url.map(PgTestDb::create);
        let database_url = match &pg {
            Some(db) => db.url.clone(),
            None => dir.path().join("kehu.db").to_string_lossy().into_owned(),
        };
        let mut vars: HashMap<&str, String> = HashMap::from([
            ("KEHU_BIND", "127.0.0.1:0".to_owned()),
            ("KEHU_DATABASE_URL", database_url.clone()),
            ("KEHU_DATA_DIR", dir.path().to_string_lossy().into_owned()),
            ("KEHU_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
            ("KEHU_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
            ("KEHU_JWT_SECRET", JWT_SECRET.to_owned()),
            ("KEHU_WORKERS", "1".to_owned()),
            ("KEHU_POOL_SIZE", "4".to_owned()),
            ("KEHU_MAX_BODY_BYTES", "65536".to_owned()),
            ("KEHU_SHUTDOWN_TIMEOUT_SECS", "1".to_owned()),
            // Jobs run when a test calls them, with the clock it chooses.
            ("KEHU_JOB_INTERVAL_SECS", "0".to_owned()),
        ]);
        for (k, v) in settings {
            vars.insert(k, (*v).to_owned());
        }
        let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
        let (mut state, _) = app::prepare(&config).await.unwrap();
        let clock = kehu_app::clock::Clock::manual(kehu_store::now());
        state.clock = clock.clone();
        let backend = state.store.backend();
        let (server, addr) = app::bind(state).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let violations = contract::Violations::default();
        let (base, proxy) = contract::spawn_proxy(&format!("http://{addr}"), violations.clone());
        TestApp {
            client: kehu_client::Client::new(&base).unwrap(),
            http: reqwest::Client::builder().build().unwrap(),
            base,
            backend,
            database_url,
            clock,
            handle,
            proxy,
            violations,
            _dir: dir,
            pg,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A typed client signed in as the admin.
    pub async fn admin(&self) -> kehu_client::Client {
        let c = kehu_client::Client::new(&self.base).unwrap();
        c.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap();
        c
    }

    /// Logs in over raw HTTP; returns the access token and the refresh cookie's value.
    pub async fn raw_login(&self) -> (String, String) {
        let resp = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let cookie = refresh_cookie(&resp).expect("login sets the refresh cookie");
        let body: serde_json::Value = resp.json().await.unwrap();
        (body["access_token"].as_str().unwrap().to_owned(), cookie)
    }

    /// `POST /auth/refresh` with the given refresh token as its cookie.
    pub async fn raw_refresh(&self, refresh: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/refresh"))
            .header("cookie", format!("kehu_refresh={refresh}"))
            .send()
            .await
            .unwrap()
    }

    /// Creates a user (as `admin`) with the shared test password and signs them in.
    pub async fn user(
        &self,
        admin: &kehu_client::Client,
        email: &str,
        role: kehu_core::user::Role,
        team: Option<uuid::Uuid>,
        pool_cap: Option<i32>,
    ) -> (uuid::Uuid, kehu_client::Client) {
        let body = kehu_core::user::CreateUser {
            email: email.to_owned(),
            name: email.to_owned(),
            role,
            password: USER_PASSWORD.to_owned(),
            team_id: team,
            locale: None,
            max_discount_percent: None,
            pool_cap,
        };
        let user = admin.create_user(&body, &kehu_client::WriteOptions::default()).await.unwrap();
        let client = kehu_client::Client::new(&self.base).unwrap();
        client.login(email, USER_PASSWORD).await.unwrap();
        (user.id, client)
    }

    /// The server's data folder.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// A direct connection to the test's database.
    pub fn store(&self) -> kehu_store::Store {
        kehu_store::Store::connect(&self.database_url, 1).unwrap()
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
        self.proxy.stop(true).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test that already failed says why itself; a second panic would abort the run.
        if std::thread::panicking() {
            return;
        }
        let violations = std::mem::take(&mut *self.violations.lock().unwrap());
        assert!(
            violations.is_empty(),
            "{} response(s) broke api-spec/openapi.json:\n{}",
            violations.len(),
            violations.join("\n")
        );
    }
}

/// The refresh cookie's value from a response's `Set-Cookie`.
pub fn refresh_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers().get_all("set-cookie").iter().find_map(|v| {
        let s = v.to_str().ok()?;
        let first = s.split(';').next()?;
        first.strip_prefix("kehu_refresh=").map(str::to_owned)
    })
}

/// Asserts that a response is problem+json with the given status and code, carrying the same
/// request id as its `Request-Id` header; returns the body.
pub async fn assert_problem(resp: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let ct = resp.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert!(ct.starts_with("application/problem+json"), "content type {ct}");
    let header_id = resp.headers().get("request-id").expect("Request-Id header").to_str().unwrap().to_owned();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], code, "body {body}");
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("https://kehu.dev/problems/{code}"));
    assert_eq!(body["request_id"], header_id.as_str());
    body
}

/// A PostgreSQL database made for one test and dropped after it.
struct PgTestDb {
    admin_url: String,
    name: String,
    url: String,
}

/// The URL with its database name replaced.
fn with_database(url: &str, db: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// A name for the template that changes whenever the migrations do.
fn template_name() -> String {
    use std::hash::{Hash, Hasher};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/postgres");
    let mut entries: Vec<_> = walk(&dir);
    entries.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for path in entries {
        path.to_string_lossy().hash(&mut hasher);
        std::fs::read(&path).unwrap().hash(&mut hasher);
    }
    format!("kehu_test_tpl_{:016x}", hasher.finish())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

impl PgTestDb {
    fn create(admin_url: &str) -> PgTestDb {
        let mut admin = PgConnection::establish(admin_url).expect("KEHU_TEST_PG_URL must reach PostgreSQL");
        let template = template_name();
        // Test processes run in parallel; one at a time builds the template.
        diesel::sql_query("SELECT pg_advisory_lock(727417)").execute(&mut admin).unwrap();
        let exists: bool = diesel::select(diesel::dsl::sql::<Bool>(&format!(
            "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{template}')"
        )))
        .get_result(&mut admin)
        .unwrap();
        if !exists {
            // Built under a temporary name and renamed when complete, so that a run killed halfway
            // never leaves a half-migrated template behind.
            let building = format!("{template}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}")).execute(&mut admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {building}")).execute(&mut admin).unwrap();
            {
                let conn = PgConnection::establish(&with_database(admin_url, &building)).unwrap();
                let mut conn = kehu_store::DbConnection::Postgresql(conn);
                kehu_store::db::run_migrations(&mut conn).unwrap();
            }
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {template}")).execute(&mut admin).unwrap();
        }
        let name = format!("kehu_test_{}", uuid::Uuid::now_v7().simple());
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(&mut admin).unwrap();
        diesel::sql_query("SELECT pg_advisory_unlock(727417)").execute(&mut admin).unwrap();
        PgTestDb { admin_url: admin_url.to_owned(), url: with_database(admin_url, &name), name }
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin);
        }
    }
}

#[test]
fn database_urls_are_rewritten() {
    assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u@h/db?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
