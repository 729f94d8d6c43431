//! List and search latency over many customers, through the real server and database: p50 and
//! p99 of each request shape, and each p50 as a multiple of `/healthz`'s, measured in the same run
//! on the same machine (so the ratios compare across machines better than the times).
//!
//! `just bench` runs it on SQLite, and on PostgreSQL too when `KEHU_TEST_PG_URL` is set.
//! `KEHU_BENCH_CUSTOMERS` sets the number of customers (default 100 000).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use kehu_client::{Client, ListQuery};
use kehu_core::import::{ImportResource, ImportStatus};
use kehu_core::team::CreateTeam;
use kehu_core::user::Role;

const SAMPLES: usize = 300;
const REPS: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn measure(label: &str, baseline: Option<Duration>, mut call: impl AsyncFnMut() -> ()) -> Duration {
    for _ in 0..10 {
        call().await;
    }
    let mut times = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        call().await;
        times.push(started.elapsed());
    }
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    let ratio =
        baseline.map_or(String::from("1.0 (baseline)"), |b| format!("{:.1}", p50.as_secs_f64() / b.as_secs_f64()));
    println!("  {label:<44} p50 {:>8.2} ms   p99 {:>8.2} ms   p50 × healthz {ratio}", ms(p50), ms(p99));
    p50
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn seed(app: &TestApp, admin: &Client, n: usize) -> Vec<(uuid::Uuid, Client)> {
    let opts = kehu_client::WriteOptions::default();
    let team = admin
        .create_team(&CreateTeam { name: "Sales".into(), parent_id: None, manager_id: None }, &opts)
        .await
        .unwrap();
    let mut reps = Vec::new();
    for i in 0..REPS {
        reps.push(app.user(admin, &format!("rep{i}@example.com"), Role::Sales, Some(team.id), None).await);
    }
    let mut csv = String::with_capacity(n * 80);
    csv.push_str("name,level,phone,email,owner_id,tags\n");
    let words = ["华为", "ACME", "腾讯", "Globex", "小米", "Initech", "比亚迪", "Umbrella"];
    for i in 0..n {
        // One in ten in the pool; the rest spread over the reps.
        let owner = if i % 10 == 0 { String::new() } else { reps[i % REPS].0.to_string() };
        let word = words[i % words.len()];
        let level = ["a", "b", "c", "d"][i % 4];
        csv.push_str(&format!(
            "{word} 客户 {i:07},{level},+86 13{:09},c{i}@example.com,{owner},t{}\n",
            i * 7919 % 1_000_000_000,
            i % 50
        ));
    }
    let started = Instant::now();
    let job = admin.start_import(ImportResource::Customers, false, csv.into_bytes()).await.unwrap();
    loop {
        let now = admin.get_import(&job.id.to_string()).await.unwrap();
        if now.status == ImportStatus::Succeeded {
            break;
        }
        assert_ne!(now.status, ImportStatus::Failed, "seeding failed: {now:?}");
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    println!("  seeded {n} customers by CSV import in {:.1} s", started.elapsed().as_secs_f64());
    reps
}

async fn run(label: &str, pg: Option<&str>, n: usize) {
    let app = TestApp::spawn_on(pg, &[("KEHU_RATE_LIMIT_PER_MINUTE", "100000000"), ("KEHU_POOL_SIZE", "8")]).await;
    println!("{label}:");
    let admin = app.admin().await;
    let reps = seed(&app, &admin, n).await;
    let rep = &reps[3].1;
    let http = reqwest::Client::new();
    let health = app.url("/healthz");
    let base = measure("GET /healthz", None, async || {
        http.get(&health).send().await.unwrap().bytes().await.unwrap();
    })
    .await;
    let b = Some(base);
    let first_page = ListQuery::new().limit(25);
    measure("admin: first page by name", b, async || {
        admin.list_customers(&first_page).await.unwrap();
    })
    .await;
    let mine = ListQuery::new().param("owner_id", "me").sort("-updated_at").limit(25);
    measure("rep: my customers, newest first", b, async || {
        rep.list_customers(&mine).await.unwrap();
    })
    .await;
    let filtered = ListQuery::new().param("level", "a,b").param("tags", "t7").limit(25);
    measure("rep: level a,b and a tag (visible only)", b, async || {
        rep.list_customers(&filtered).await.unwrap();
    })
    .await;
    let chinese = ListQuery::new().search("腾讯 客户 0001").limit(25);
    measure("rep: search q=腾讯 客户 0001", b, async || {
        rep.list_customers(&chinese).await.unwrap();
    })
    .await;
    let latin = ListQuery::new().search("globex").limit(25);
    measure("rep: search q=globex (many hits)", b, async || {
        rep.list_customers(&latin).await.unwrap();
    })
    .await;
    let phone = ListQuery::new().search("138 0001").limit(25);
    measure("admin: search phone digits q=138 0001", b, async || {
        admin.list_customers(&phone).await.unwrap();
    })
    .await;
    let with_total = ListQuery::new().param("owner_id", "none").with_total().limit(25);
    measure("rep: the pool with its total", b, async || {
        rep.list_customers(&with_total).await.unwrap();
    })
    .await;
    // A page far down: keyset pagination costs the same as the first.
    let mut deep = ListQuery::new().limit(100);
    for _ in 0..20 {
        let page = admin.list_customers(&deep).await.unwrap();
        deep = ListQuery::new().limit(25).cursor(page.next_cursor.unwrap());
    }
    measure("admin: a page 2 000 rows down", b, async || {
        admin.list_customers(&deep).await.unwrap();
    })
    .await;
    app.stop().await;
}

#[actix_web::main]
async fn main() {
    let n = std::env::var("KEHU_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let pg = std::env::var("KEHU_TEST_PG_URL").ok().filter(|u| !u.is_empty());
    run(&format!("SQLite, {n} customers"), None, n).await;
    if let Some(url) = pg {
        run(&format!("PostgreSQL, {n} customers"), Some(&url), n).await;
    }
}
