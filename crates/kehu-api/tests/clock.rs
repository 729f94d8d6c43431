//! One clock: every rule that hangs on time (the pool's recycling, a quote's expiry, a complaint's
//! deadlines, the customer 360) reads `now` from the context, so moving the server's clock moves
//! them all together, and what they write carries that same `now`.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::TestApp;
use kehu_client::{ListQuery, WriteOptions};
use kehu_core::complaint::{CreateComplaint, Priority};
use kehu_core::customer::CreateCustomer;
use kehu_core::quote::{CreateQuote, NewLine, QuoteStatus};
use kehu_core::user::Role;
use rust_decimal::Decimal;
use serde_json::json;

#[actix_web::test]
async fn moving_the_clock_moves_recycling_expiry_deadlines_and_the_360_together() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let patch: kehu_core::settings::UpdateSettings = serde_json::from_value(json!({"pool_recycle_days": 30})).unwrap();
    admin.update_settings(&patch, &opts).await.unwrap();

    let start = app.clock.now();
    let body = CreateCustomer { name: "Slow Ltd".to_owned(), ..CreateCustomer::default() };
    let customer = rep.create_customer(&body, &opts).await.unwrap();
    // The record is stamped with the server's clock, not the wall clock the test runs at.
    assert_eq!(customer.created_at, Utc.from_utc_datetime(&start));
    let cid = customer.id.to_string();
    let line = NewLine {
        product_id: None,
        description: Some("Service".into()),
        quantity: Decimal::ONE,
        unit_price: Some(Decimal::new(10000, 2)),
        discount_percent: None,
        tax_rate_percent: None,
    };
    let valid_until = start.date() + Duration::days(10);
    let quote = CreateQuote {
        customer_id: customer.id,
        currency: "CNY".into(),
        valid_until: Some(valid_until),
        lines: vec![line],
        ..CreateQuote::default()
    };
    let quote = rep.create_quote(&quote, &opts).await.unwrap();
    let complaint = CreateComplaint {
        customer_id: customer.id,
        priority: Some(Priority::Urgent),
        subject: "Nobody answers".into(),
        ..complaint_defaults(customer.id)
    };
    let complaint = rep.create_complaint(&complaint, &opts).await.unwrap();

    // Nothing is due yet.
    let expired = ListQuery::new().param("status", "expired").with_total();
    assert_eq!(rep.get_quote(&quote.id.to_string()).await.unwrap().status, QuoteStatus::Draft);
    assert_eq!(rep.list_quotes(&expired).await.unwrap().total_count, Some(0));
    assert!(!rep.get_complaint(&complaint.id.to_string()).await.unwrap().breached);
    assert!(!rep.customer_overview(&cid).await.unwrap().open_complaints[0].breached);
    assert_eq!(run_jobs(&app), 0);

    // Thirty-one days on, every rule sees the same later day.
    app.clock.advance(Duration::days(31));
    let later = app.clock.now();
    assert_eq!(rep.get_quote(&quote.id.to_string()).await.unwrap().status, QuoteStatus::Expired);
    assert_eq!(rep.list_quotes(&expired).await.unwrap().total_count, Some(1));
    assert!(rep.get_complaint(&complaint.id.to_string()).await.unwrap().breached);
    let overview = rep.customer_overview(&cid).await.unwrap();
    assert!(overview.open_complaints[0].breached);
    assert_eq!(overview.customer.owner_id, customer.owner_id);

    // The jobs run at that time too: the idle customer goes back to the pool, the complaint is
    // escalated, and both changes carry the moved time.
    assert_eq!(run_jobs(&app), 2);
    let back = admin.get_customer(&cid).await.unwrap();
    assert_eq!((back.owner_id, back.updated_at), (None, Utc.from_utc_datetime(&later)));
    let escalated = admin.get_complaint(&complaint.id.to_string()).await.unwrap();
    assert_eq!((escalated.escalation_level, escalated.updated_at), (2, Utc.from_utc_datetime(&later)));
    app.stop().await;
}

fn complaint_defaults(customer_id: uuid::Uuid) -> CreateComplaint {
    serde_json::from_value(json!({"customer_id": customer_id, "subject": "-"})).unwrap()
}

/// One tick of every background job at the server's clock; how many records they changed.
fn run_jobs(app: &TestApp) -> usize {
    let mut conn = app.store().conn().unwrap();
    kehu_app::jobs::JOBS.iter().map(|job| job.run_now(&mut conn, &app.clock).unwrap()).sum()
}
