//! Purchases: entered directly, moved through their states, paid (never above the balance) and
//! returned (never more than bought), with the balance and overdue flag that follow; and who
//! sees which purchase.

#![allow(clippy::unwrap_used)]

mod common;

use std::str::FromStr;

use common::TestApp;
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::customer::CreateCustomer;
use kehu_core::purchase::{CreatePayment, CreatePurchase, CreateReturn, PaymentMethod, PurchaseStatus, ReturnLine};
use kehu_core::quote::NewLine;
use kehu_core::team::CreateTeam;
use kehu_core::user::Role;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(description: &str, quantity: &str, price: &str) -> NewLine {
    NewLine {
        product_id: None,
        description: Some(description.into()),
        quantity: dec(quantity),
        unit_price: Some(dec(price)),
        discount_percent: None,
        tax_rate_percent: None,
    }
}

async fn customer(client: &Client, name: &str) -> Uuid {
    let body = CreateCustomer { name: name.to_owned(), ..CreateCustomer::default() };
    client.create_customer(&body, &WriteOptions::default()).await.unwrap().id
}

fn events(app: &TestApp, event_type: &str, id: Uuid) -> usize {
    let mut conn = app.store().conn().unwrap();
    let all = kehu_store::outbox::for_entity(&mut conn, "purchase", id).unwrap();
    all.iter().filter(|e| e.event_type == event_type).count()
}

fn payment(amount: &str) -> CreatePayment {
    CreatePayment { amount: dec(amount), paid_on: None, method: PaymentMethod::BankTransfer, reference: None }
}

async fn post(app: &TestApp, client: &Client, path: &str, body: serde_json::Value) -> serde_json::Value {
    let token = client.token().unwrap();
    let resp = app.http.post(app.url(&format!("/api/v1{path}"))).bearer_auth(token).json(&body).send().await.unwrap();
    let status = resp.status().as_u16();
    let mut body: serde_json::Value = resp.json().await.unwrap();
    body["_status"] = json!(status);
    body
}

fn first_error(problem: &serde_json::Value) -> (String, String) {
    let e = &problem["errors"][0];
    (e["pointer"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn payments_and_returns_keep_the_balance() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let c = customer(&admin, "Acme").await;
    let today = chrono::Utc::now().date_naive();
    let body = CreatePurchase {
        customer_id: c,
        currency: "CNY".into(),
        order_date: Some(today - chrono::Days::new(40)),
        due_date: Some(today - chrono::Days::new(10)),
        lines: vec![line("Pump", "2", "50.00"), line("Hose", "3", "10.00")],
    };
    let p = admin.create_purchase(&body, &opts).await.unwrap();
    assert_eq!(
        (p.status, p.total.to_string(), p.balance_due.to_string()),
        (PurchaseStatus::Pending, "130.00".into(), "130.00".into())
    );
    assert!(p.number.starts_with("P-20"), "{}", p.number);
    assert!(p.overdue);
    assert_eq!(events(&app, "purchase.created", p.id), 1);
    let id = p.id.to_string();

    let paid = admin.add_payment(&id, &payment("30.00"), &opts).await.unwrap();
    assert_eq!((paid.paid_total.to_string(), paid.balance_due.to_string()), ("30.00".into(), "100.00".into()));
    assert_eq!(paid.payments.len(), 1);
    assert_eq!(paid.payments[0].method, PaymentMethod::BankTransfer);
    for (amount, code) in [("100.01", "exceeds_balance"), ("0", "not_positive"), ("1.001", "too_many_decimals")] {
        let problem =
            post(&app, &admin, &format!("/purchases/{id}/payments"), json!({"amount": amount, "method": "cash"})).await;
        assert_eq!(problem["_status"], 422, "{problem}");
        assert_eq!(first_error(&problem), ("/amount".to_owned(), code.to_owned()));
    }

    // Goods not yet delivered cannot come back; money kept means no cancelling.
    let problem = post(
        &app,
        &admin,
        &format!("/purchases/{id}/returns"),
        json!({"lines": [{"line_id": p.lines[0].id, "quantity": "1"}]}),
    )
    .await;
    assert_eq!((problem["_status"].clone(), problem["code"].clone()), (json!(409), json!("invalid_state_transition")));
    assert_eq!(
        (problem["current_status"].clone(), problem["allowed_actions"].clone()),
        (json!("pending"), json!(["confirm", "payments"]))
    );
    let problem = post(&app, &admin, &format!("/purchases/{id}/cancel"), json!(null)).await;
    assert_eq!((problem["_status"].clone(), problem["code"].clone()), (json!(409), json!("invalid_state_transition")));

    admin.purchase_action(&id, "confirm", &opts).await.unwrap();
    let fulfilled = admin.purchase_action(&id, "fulfill", &opts).await.unwrap();
    assert_eq!(fulfilled.status, PurchaseStatus::Fulfilled);

    let too_many = post(
        &app,
        &admin,
        &format!("/purchases/{id}/returns"),
        json!({"lines": [{"line_id": p.lines[0].id, "quantity": "3"}]}),
    )
    .await;
    assert_eq!(too_many["_status"], 422);
    assert_eq!(first_error(&too_many), ("/lines/0/quantity".to_owned(), "exceeds_purchased".to_owned()));
    let over_refund = post(
        &app,
        &admin,
        &format!("/purchases/{id}/returns"),
        json!({"lines": [{"line_id": p.lines[0].id, "quantity": "1"}], "refund_amount": "30.01"}),
    )
    .await;
    assert_eq!(first_error(&over_refund), ("/refund_amount".to_owned(), "exceeds_paid".to_owned()));

    // One pump back (worth 50.00) and the 30.00 paid refunded: 130 − 50 − (30 − 30) = 80 due.
    let back = CreateReturn {
        lines: vec![ReturnLine { line_id: p.lines[0].id, quantity: dec("1") }],
        refund_amount: Some(dec("30.00")),
        reason: Some("damaged".into()),
        returned_on: None,
    };
    let returned = admin.add_return(&id, &back, &opts).await.unwrap();
    assert_eq!(
        [returned.returned_total, returned.refunded_total, returned.balance_due].map(|d| d.to_string()),
        ["50.00", "30.00", "80.00"]
    );
    assert_eq!(returned.returns[0].returned_value.to_string(), "50.00");
    // The other pump may still come back; a third may not.
    let third = post(
        &app,
        &admin,
        &format!("/purchases/{id}/returns"),
        json!({"lines": [{"line_id": p.lines[0].id, "quantity": "2"}]}),
    )
    .await;
    assert_eq!(first_error(&third), ("/lines/0/quantity".to_owned(), "exceeds_purchased".to_owned()));

    let settled = admin.add_payment(&id, &payment("80.00"), &opts).await.unwrap();
    assert_eq!((settled.balance_due.to_string(), settled.overdue), ("0.00".into(), false));
    let done = admin.purchase_action(&id, "complete", &opts).await.unwrap();
    assert_eq!(done.status, PurchaseStatus::Completed);
    for (event, n) in [
        ("purchase.paid", 2),
        ("purchase.returned", 1),
        ("purchase.confirmed", 1),
        ("purchase.fulfilled", 1),
        ("purchase.completed", 1),
    ] {
        assert_eq!(events(&app, event, p.id), n, "{event}");
    }
    let problem = post(&app, &admin, &format!("/purchases/{id}/confirm"), json!(null)).await;
    assert_eq!(
        (problem["current_status"].clone(), problem["allowed_actions"].clone()),
        (json!("completed"), json!(["returns"]))
    );

    // An unpaid purchase is cancelled and then owes nothing and takes no payments.
    let other = admin
        .create_purchase(&CreatePurchase { due_date: None, order_date: None, ..body.clone() }, &opts)
        .await
        .unwrap();
    let cancelled = admin.purchase_action(&other.id.to_string(), "cancel", &opts).await.unwrap();
    assert_eq!((cancelled.status, cancelled.balance_due.to_string()), (PurchaseStatus::Cancelled, "0.00".into()));
    let err = admin.add_payment(&other.id.to_string(), &payment("1.00"), &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidStateTransition));
    let list = admin.list_purchases(&ListQuery::new().param("status", "cancelled").with_total()).await.unwrap();
    assert_eq!(list.total_count, Some(1));
    app.stop().await;
}

#[actix_web::test]
async fn a_line_returned_in_parts_comes_to_its_total_and_jpy_has_no_decimals() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let c = customer(&admin, "Acme").await;
    let body = CreatePurchase {
        customer_id: c,
        currency: "JPY".into(),
        order_date: None,
        due_date: None,
        lines: vec![NewLine { tax_rate_percent: Some(dec("10")), ..line("Box", "3", "333") }],
    };
    let p = admin.create_purchase(&body, &opts).await.unwrap();
    assert_eq!((p.total.to_string(), p.tax_total.to_string()), ("1099".into(), "100".into()));
    let id = p.id.to_string();
    admin.purchase_action(&id, "confirm", &opts).await.unwrap();
    admin.purchase_action(&id, "fulfill", &opts).await.unwrap();
    let one = |q: &str| CreateReturn {
        lines: vec![ReturnLine { line_id: p.lines[0].id, quantity: dec(q) }],
        refund_amount: None,
        reason: None,
        returned_on: None,
    };
    let mut values = Vec::new();
    for _ in 0..3 {
        let after = admin.add_return(&id, &one("1"), &opts).await.unwrap();
        values.push(after.returns.last().unwrap().returned_value.to_string());
    }
    assert_eq!(values, ["366", "367", "366"]);
    let last = admin.get_purchase(&id).await.unwrap();
    assert_eq!((last.returned_total.to_string(), last.balance_due.to_string()), ("1099".into(), "0".into()));
    app.stop().await;
}

#[actix_web::test]
async fn another_teams_rep_does_not_see_the_purchase() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let north = admin
        .create_team(&CreateTeam { name: "North".into(), parent_id: None, manager_id: None }, &opts)
        .await
        .unwrap()
        .id;
    let south = admin
        .create_team(&CreateTeam { name: "South".into(), parent_id: None, manager_id: None }, &opts)
        .await
        .unwrap()
        .id;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, Some(north), None).await;
    let (_, boss) = app.user(&admin, "boss@example.com", Role::Manager, Some(north), None).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, Some(south), None).await;
    let c = customer(&rep, "Rep's customer").await;
    let body = CreatePurchase {
        customer_id: c,
        currency: "CNY".into(),
        order_date: None,
        due_date: None,
        lines: vec![line("x", "1", "9.99")],
    };
    let p = rep.create_purchase(&body, &opts).await.unwrap();
    let id = p.id.to_string();
    assert_eq!(other.get_purchase(&id).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(other.add_payment(&id, &payment("1.00"), &opts).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(other.list_purchases(&ListQuery::new().with_total()).await.unwrap().total_count, Some(0));
    assert_eq!(boss.list_purchases(&ListQuery::new().with_total()).await.unwrap().total_count, Some(1));
    let by_number = rep.list_purchases(&ListQuery::new().param("q", p.number.clone()).with_total()).await.unwrap();
    assert_eq!(by_number.total_count, Some(1));
    app.stop().await;
}

#[actix_web::test]
async fn the_customer_360_sums_revenue_and_balance_and_a_merge_moves_the_documents() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let c = customer(&admin, "Acme").await;
    let dup = customer(&admin, "Acme Trading").await;
    let cny = |customer_id: Uuid, price: &str| CreatePurchase {
        customer_id,
        currency: "CNY".into(),
        order_date: None,
        due_date: None,
        lines: vec![line("x", "1", price)],
    };
    // 100.00 bought, 40.00 paid, 25.00 of it returned: revenue 75.00, owed 35.00.
    let a = admin.create_purchase(&cny(c, "100.00"), &opts).await.unwrap();
    let a_id = a.id.to_string();
    admin.add_payment(&a_id, &payment("40.00"), &opts).await.unwrap();
    admin.purchase_action(&a_id, "confirm", &opts).await.unwrap();
    admin.purchase_action(&a_id, "fulfill", &opts).await.unwrap();
    let back = CreateReturn {
        lines: vec![ReturnLine { line_id: a.lines[0].id, quantity: dec("0.25") }],
        refund_amount: None,
        reason: None,
        returned_on: None,
    };
    admin.add_return(&a_id, &back, &opts).await.unwrap();
    // A cancelled one counts as a purchase but brings in nothing.
    let cancelled = admin.create_purchase(&cny(c, "999.00"), &opts).await.unwrap();
    admin.purchase_action(&cancelled.id.to_string(), "cancel", &opts).await.unwrap();
    // The duplicate's JPY purchase, fully paid, and a quote.
    let jpy = CreatePurchase { currency: "JPY".into(), lines: vec![line("y", "2", "500")], ..cny(dup, "0") };
    let paid = admin.create_purchase(&jpy, &opts).await.unwrap();
    admin.add_payment(&paid.id.to_string(), &payment("1000"), &opts).await.unwrap();
    let q = kehu_core::quote::CreateQuote {
        customer_id: dup,
        currency: "CNY".into(),
        lines: vec![line("z", "1", "5.00")],
        ..Default::default()
    };
    let quote = admin.create_quote(&q, &opts).await.unwrap();

    let overview = admin.customer_overview(&c.to_string()).await.unwrap();
    assert_eq!((overview.counts.purchases, overview.counts.quotes), (2, 0));
    let sums = |v: &[kehu_core::customer::Amount]| {
        v.iter().map(|a| format!("{} {}", a.amount, a.currency)).collect::<Vec<_>>()
    };
    assert_eq!(sums(&overview.lifetime_revenue), ["75.00 CNY"]);
    assert_eq!(sums(&overview.balance_due), ["35.00 CNY"]);
    assert_eq!(overview.open_items, 1);

    admin.merge_customer(&c.to_string(), &kehu_core::customer::MergeCustomers { duplicate_id: dup }).await.unwrap();
    assert_eq!(admin.get_quote(&quote.id.to_string()).await.unwrap().customer_id, c);
    assert_eq!(admin.get_purchase(&paid.id.to_string()).await.unwrap().customer_id, c);
    let overview = admin.customer_overview(&c.to_string()).await.unwrap();
    assert_eq!((overview.counts.purchases, overview.counts.quotes), (3, 1));
    assert_eq!(sums(&overview.lifetime_revenue), ["75.00 CNY", "1000 JPY"]);
    assert_eq!(sums(&overview.balance_due), ["35.00 CNY"]);
    assert_eq!(overview.open_items, 1);
    app.stop().await;
}
