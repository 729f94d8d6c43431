//! List and search latency over many customers, through the real server and database: p50 and
//! p99 of each request shape, and each p50 as a multiple of `/healthz`'s, measured in the same run
//! on the same machine (so the ratios compare across machines better than the times).
//!
//! `just bench` runs it on SQLite, and on PostgreSQL too when `KEHU_TEST_PG_URL` is set.
//! `KEHU_BENCH_CUSTOMERS` sets the number of customers (default 100 000); half as many complaints
//! are written straight into the database for the complaint lists.

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
    complaints(&app, &admin, &reps, n / 2, b).await;
    app.stop().await;
}

/// Writes `n` complaints over the first customers, straight into the database in one transaction
/// (the API would take minutes): every fifth in the queue, the rest on the reps and two service
/// agents, deadlines spread over a week around now, a tenth resolved. It blocks, so it runs off
/// the async runtime, which keeps serving the clients' connections meanwhile.
fn seed_complaints(store: kehu_store::Store, assignees: &[uuid::Uuid], n: usize) {
    use diesel::prelude::*;
    use kehu_store::complaints::Complaint;
    use kehu_store::types::Id;
    let mut conn = store.conn().unwrap();
    let started = Instant::now();
    let customers: Vec<Id> = kehu_store::schema::customers::table
        .select(kehu_store::schema::customers::id)
        .order(kehu_store::schema::customers::id)
        .limit(n as i64)
        .load(&mut conn)
        .unwrap();
    let now = kehu_store::now();
    let priorities = ["low", "normal", "high", "urgent"];
    kehu_store::db::write_transaction(&mut conn, |conn| -> Result<(), kehu_store::StoreError> {
        let rows: Vec<Complaint> = (0..n)
            .map(|i| {
                let created = now - chrono::Duration::minutes((i % 10_080) as i64);
                let resolved = i % 10 == 0;
                let first_due = created + chrono::Duration::hours(1 + (i % 4) as i64 * 4);
                let resolution_due = created + chrono::Duration::hours(8 + (i % 4) as i64 * 24);
                Complaint {
                    id: Id(kehu_store::new_id()),
                    number: format!("C-2026-{i:06}"),
                    customer_id: customers[i % customers.len()],
                    contact_id: None,
                    purchase_id: None,
                    channel: "phone".into(),
                    category: "delivery".into(),
                    priority: priorities[i % 4].into(),
                    subject: format!("Complaint {i}"),
                    description: None,
                    status: if resolved { "resolved" } else { "open" }.into(),
                    assignee_id: (i % 5 != 0).then(|| Id(assignees[i % assignees.len()])),
                    sla_started_at: created,
                    first_response_due_at: first_due,
                    resolution_due_at: resolution_due,
                    due_at: if resolved { resolution_due } else { first_due },
                    first_responded_at: resolved.then_some(created),
                    resolved_at: resolved.then_some(created),
                    closed_at: None,
                    response_breached: false,
                    resolution_breached: false,
                    escalation_level: 0,
                    escalated_to_id: None,
                    resolution: resolved.then(|| "Done".to_owned()),
                    satisfaction: None,
                    satisfaction_comment: None,
                    reopen_count: 0,
                    version: 1,
                    created_at: created,
                    updated_at: created,
                    created_by: None,
                    updated_by: None,
                }
            })
            .collect();
        // One statement per row: diesel's multi-backend connection has no batch insert.
        for row in &rows {
            diesel::insert_into(kehu_store::schema::complaints::table).values(row).execute(conn)?;
        }
        Ok(())
    })
    .unwrap();
    if store.backend() == kehu_store::Backend::Postgres {
        diesel::sql_query("ANALYZE complaints").execute(&mut conn).unwrap();
    }
    println!("  seeded {n} complaints in {:.1} s", started.elapsed().as_secs_f64());
}

async fn complaints(app: &TestApp, admin: &Client, reps: &[(uuid::Uuid, Client)], n: usize, b: Option<Duration>) {
    let (agent_id, agent) = app.user(admin, "agent@example.com", Role::Service, None, None).await;
    let (agent2_id, _) = app.user(admin, "agent2@example.com", Role::Service, None, None).await;
    let mut assignees: Vec<uuid::Uuid> = reps.iter().map(|(id, _)| *id).collect();
    assignees.extend([agent_id, agent2_id]);
    let store = app.store();
    tokio::task::spawn_blocking(move || seed_complaints(store, &assignees, n)).await.unwrap();
    let rep = &reps[3].1;
    let queue =
        ListQuery::new().param("assignee_id", "none").param("status", "open,acknowledged,in_progress").limit(25);
    measure("agent: the queue by deadline", b, async || {
        agent.list_complaints(&queue).await.unwrap();
    })
    .await;
    let own = ListQuery::new().param("assignee_id", "me").param("status", "open,acknowledged,in_progress").limit(25);
    measure("agent: mine by deadline", b, async || {
        agent.list_complaints(&own).await.unwrap();
    })
    .await;
    let breached = ListQuery::new().param("breached", "true").limit(25);
    measure("agent: breached (queue and mine)", b, async || {
        agent.list_complaints(&breached).await.unwrap();
    })
    .await;
    let open = ListQuery::new().param("status", "open").limit(25);
    measure("rep: open complaints of my customers", b, async || {
        rep.list_complaints(&open).await.unwrap();
    })
    .await;
    let urgent = ListQuery::new().param("priority", "urgent").with_total().limit(25);
    measure("admin: urgent with the total", b, async || {
        admin.list_complaints(&urgent).await.unwrap();
    })
    .await;
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
