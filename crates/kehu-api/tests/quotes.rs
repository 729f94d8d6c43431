//! Quotes: computed totals in each currency's minor unit, numbering, the approval of big
//! discounts, the way from draft to an accepted quote (exactly one purchase, the lead won), and
//! who sees which quote.

#![allow(clippy::unwrap_used)]

mod common;

use std::str::FromStr;

use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::customer::CreateCustomer;
use kehu_core::lead::{CreateLead, LeadStage};
use kehu_core::product::CreateProduct;
use kehu_core::quote::{CreateQuote, NewLine, QuoteStatus, UpdateQuote};
use kehu_core::team::CreateTeam;
use kehu_core::user::{Role, UpdateUser};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(quantity: &str, price: &str, discount: &str, tax: &str) -> NewLine {
    NewLine {
        product_id: None,
        description: Some("Item".into()),
        quantity: dec(quantity),
        unit_price: Some(dec(price)),
        discount_percent: Some(dec(discount)),
        tax_rate_percent: Some(dec(tax)),
    }
}

fn quote(customer: Uuid, currency: &str, lines: Vec<NewLine>) -> CreateQuote {
    CreateQuote { customer_id: customer, currency: currency.into(), lines, ..CreateQuote::default() }
}

async fn customer(client: &Client, name: &str) -> Uuid {
    let body = CreateCustomer { name: name.to_owned(), ..CreateCustomer::default() };
    client.create_customer(&body, &WriteOptions::default()).await.unwrap().id
}

fn events(app: &TestApp, entity: &str, event_type: &str, id: Uuid) -> usize {
    let mut conn = app.store().conn().unwrap();
    let all = kehu_store::outbox::for_entity(&mut conn, entity, id).unwrap();
    all.iter().filter(|e| e.event_type == event_type).count()
}

fn strings(values: &[Decimal]) -> Vec<String> {
    values.iter().map(Decimal::to_string).collect()
}

/// POSTs with the client's token, for the raw problem bodies.
async fn post(app: &TestApp, client: &Client, path: &str, body: serde_json::Value) -> reqwest::Response {
    let token = client.token().unwrap();
    app.http.post(app.url(&format!("/api/v1{path}"))).bearer_auth(token).json(&body).send().await.unwrap()
}

#[actix_web::test]
async fn totals_are_computed_per_line_and_rounded_to_the_currency() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let c = customer(&admin, "上海远景物流有限公司").await;

    let cny = admin
        .create_quote(&quote(c, "CNY", vec![line("3", "19.99", "12.5", "13"), line("1", "0.05", "0", "6")]), &opts)
        .await
        .unwrap();
    let lines: Vec<Vec<String>> =
        cny.lines.iter().map(|l| strings(&[l.net_amount, l.tax_amount, l.total_amount])).collect();
    assert_eq!(lines, [["52.47", "6.82", "59.29"], ["0.05", "0.00", "0.05"]]);
    assert_eq!(
        strings(&[cny.subtotal, cny.discount_total, cny.tax_total, cny.total]),
        ["60.02", "7.50", "6.82", "59.34"]
    );
    assert_eq!(
        (cny.status, cny.revision, cny.max_discount_percent.to_string()),
        (QuoteStatus::Draft, 1, "12.5".into())
    );
    assert!(cny.number.starts_with("Q-20") && cny.number.len() == "Q-2026-000001".len(), "{}", cny.number);
    assert_eq!(events(&app, "quote", "quote.created", cny.id), 1);
    // The same figures come back on a read, as exact strings.
    let read = admin.get_quote(&cny.id.to_string()).await.unwrap();
    assert_eq!(read, cny);

    let jpy = admin.create_quote(&quote(c, "JPY", vec![line("3", "333", "12.5", "10")]), &opts).await.unwrap();
    assert_eq!(strings(&[jpy.subtotal, jpy.discount_total, jpy.tax_total, jpy.total]), ["999", "125", "87", "961"]);
    let kwd = admin.create_quote(&quote(c, "KWD", vec![line("3", "1.999", "12.5", "13")]), &opts).await.unwrap();
    assert_eq!(
        strings(&[kwd.subtotal, kwd.discount_total, kwd.tax_total, kwd.total]),
        ["5.997", "0.750", "0.682", "5.929"]
    );

    // A product line takes the product's name and, in its currency, its list price.
    let product = admin
        .create_product(
            &CreateProduct {
                sku: "SCR-1".into(),
                name: "螺丝".into(),
                unit: None,
                currency: "CNY".into(),
                list_price: dec("19.90"),
                cost: None,
                active: true,
            },
            &opts,
        )
        .await
        .unwrap();
    let from_catalog = NewLine { product_id: Some(product.id), quantity: dec("2"), ..NewLine::default() };
    let q = admin.create_quote(&quote(c, "CNY", vec![from_catalog.clone()]), &opts).await.unwrap();
    assert_eq!((q.lines[0].description.as_str(), q.lines[0].unit_price.to_string()), ("螺丝", "19.90".into()));
    assert_eq!(q.total.to_string(), "39.80");

    // Field problems point at the line and field; a product in another currency needs a price.
    let resp = post(
        &app,
        &admin,
        "/quotes",
        json!({"customer_id": c, "currency": "JPY", "lines": [
            {"description": "x", "quantity": "0", "unit_price": "1"},
            {"description": "y", "quantity": "1", "unit_price": "1.5"},
            {"product_id": product.id, "quantity": "1"}
        ]}),
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    let found: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["pointer"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    for expected in [("/lines/0/quantity", "not_positive"), ("/lines/1/unit_price", "too_many_decimals")] {
        assert!(found.contains(&(expected.0.into(), expected.1.into())), "{expected:?} not in {found:?}");
    }
    let resp = post(
        &app,
        &admin,
        "/quotes",
        json!({"customer_id": c, "currency": "JPY", "lines": [{"product_id": product.id, "quantity": "1"}]}),
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["pointer"], "/lines/0/unit_price");
    // Totals are never typed.
    let resp =
        post(&app, &admin, "/quotes", json!({"customer_id": c, "currency": "CNY", "total": "1.00", "lines": []})).await;
    assert_eq!(resp.status().as_u16(), 400);
    app.stop().await;
}

#[actix_web::test]
async fn illegal_moves_are_refused_with_the_allowed_actions() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let c = customer(&admin, "Acme").await;
    let draft = admin.create_quote(&quote(c, "CNY", vec![line("1", "10.00", "0", "0")]), &opts).await.unwrap();
    let id = draft.id.to_string();

    let problem = assert_problem(
        post(&app, &admin, &format!("/quotes/{id}/accept"), json!(null)).await,
        409,
        "invalid_state_transition",
    )
    .await;
    assert_eq!(
        (problem["current_status"].clone(), problem["allowed_actions"].clone()),
        (json!("draft"), json!(["submit", "cancel"]))
    );

    // A draft is edited, totals recomputed; after sending it is not.
    let edited = admin
        .update_quote(
            &id,
            &UpdateQuote { lines: Some(vec![line("2", "10.00", "0", "0")]), ..UpdateQuote::default() },
            &WriteOptions::if_match(draft.version),
        )
        .await
        .unwrap();
    assert_eq!(edited.total.to_string(), "20.00");
    assert_eq!(admin.quote_action(&id, "submit", &opts).await.unwrap().status, QuoteStatus::Approved);
    let sent = admin.quote_action(&id, "send", &opts).await.unwrap();
    assert_eq!(sent.status, QuoteStatus::Sent);
    let token = admin.token().unwrap();
    let resp = app
        .http
        .patch(app.url(&format!("/api/v1/quotes/{id}")))
        .bearer_auth(&token)
        .json(&json!({"terms": "net 30"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 409, "invalid_state_transition").await;
    assert_eq!(problem["current_status"], "sent");
    assert_eq!(problem["allowed_actions"], json!(["accept", "reject", "cancel", "revise"]));
    let unknown = post(&app, &admin, &format!("/quotes/{id}/explode"), json!(null)).await;
    assert_eq!(unknown.status().as_u16(), 404);

    // Revising makes a new draft with the same number; the sent one stays.
    let revision = admin.quote_action(&id, "revise", &opts).await.unwrap();
    assert_eq!(
        (revision.number.as_str(), revision.revision, revision.status),
        (sent.number.as_str(), 2, QuoteStatus::Draft)
    );
    assert_eq!(admin.get_quote(&id).await.unwrap().status, QuoteStatus::Sent);
    assert_eq!(events(&app, "quote", "quote.revised", revision.id), 1);

    // Past its valid_until a quote shows as expired and can be neither sent nor accepted.
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let old = admin
        .create_quote(
            &CreateQuote { valid_until: Some(yesterday), ..quote(c, "CNY", vec![line("1", "1.00", "0", "0")]) },
            &opts,
        )
        .await
        .unwrap();
    assert_eq!(old.status, QuoteStatus::Expired);
    let problem = assert_problem(
        post(&app, &admin, &format!("/quotes/{}/send", old.id), json!(null)).await,
        409,
        "invalid_state_transition",
    )
    .await;
    assert_eq!(
        (problem["current_status"].clone(), problem["allowed_actions"].clone()),
        (json!("expired"), json!(["cancel", "revise"]))
    );
    let expired = admin.list_quotes(&ListQuery::new().param("status", "expired").with_total()).await.unwrap();
    assert_eq!((expired.total_count, expired.data[0].id), (Some(1), old.id));
    let drafts = admin.list_quotes(&ListQuery::new().param("status", "draft").with_total()).await.unwrap();
    assert_eq!(drafts.total_count, Some(1));
    let by_number =
        admin.list_quotes(&ListQuery::new().param("q", sent.number.to_lowercase()).with_total()).await.unwrap();
    assert_eq!(by_number.total_count, Some(2));
    app.stop().await;
}

#[actix_web::test]
async fn concurrent_creations_get_distinct_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = customer(&admin, "Acme").await;
    let body = quote(c, "CNY", vec![line("1", "1.00", "0", "0")]);
    let opts = WriteOptions::default();
    let calls = (0..20).map(|_| admin.create_quote(&body, &opts));
    let made = futures_util::future::join_all(calls).await;
    let mut numbers: Vec<u32> = made
        .into_iter()
        .map(|q| {
            let n = q.unwrap().number;
            n.rsplit('-').next().unwrap().parse().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    let first = numbers[0];
    assert_eq!(numbers, (first..first + 20).collect::<Vec<_>>());
    app.stop().await;
}

/// A quote of `customer` that has been sent.
async fn sent_quote(admin: &Client, customer: Uuid) -> String {
    let opts = WriteOptions::default();
    let q = admin.create_quote(&quote(customer, "CNY", vec![line("2", "50.00", "0", "13")]), &opts).await.unwrap();
    let id = q.id.to_string();
    admin.quote_action(&id, "submit", &opts).await.unwrap();
    admin.quote_action(&id, "send", &opts).await.unwrap();
    id
}

#[actix_web::test]
async fn accepting_makes_exactly_one_purchase() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = customer(&admin, "Acme").await;

    // A retry with the same key replays the first answer.
    let id = sent_quote(&admin, c).await;
    let key = WriteOptions::idempotent("accept-1");
    let first = admin.quote_action(&id, "accept", &key).await.unwrap();
    let again = admin.quote_action(&id, "accept", &key).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first.status, QuoteStatus::Accepted);
    let purchase = first.purchase_id.unwrap();
    let mine = admin.list_purchases(&ListQuery::new().param("quote_id", id.clone()).with_total()).await.unwrap();
    assert_eq!((mine.total_count, mine.data[0].id), (Some(1), purchase));
    assert_eq!(mine.data[0].total.to_string(), "113.00");
    let quote_id: Uuid = id.parse().unwrap();
    assert_eq!(events(&app, "quote", "quote.accepted", quote_id), 1);
    assert_eq!(events(&app, "purchase", "purchase.created", purchase), 1);
    // Without the key, a second accept is an illegal move.
    let problem = assert_problem(
        post(&app, &admin, &format!("/quotes/{id}/accept"), json!(null)).await,
        409,
        "invalid_state_transition",
    )
    .await;
    assert_eq!((problem["current_status"].clone(), problem["allowed_actions"].clone()), (json!("accepted"), json!([])));

    // Two racing accepts without a key: one wins, the other is refused.
    let id = sent_quote(&admin, c).await;
    let (a, b) = futures_util::future::join(
        admin.quote_action(&id, "accept", &WriteOptions::default()),
        admin.quote_action(&id, "accept", &WriteOptions::default()),
    )
    .await;
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let lost = if a.is_ok() { b } else { a };
    assert_eq!(lost.unwrap_err().code(), Some(ErrorCode::InvalidStateTransition));
    let made = admin.list_purchases(&ListQuery::new().param("quote_id", id.clone()).with_total()).await.unwrap();
    assert_eq!(made.total_count, Some(1));
    app.stop().await;
}

#[actix_web::test]
async fn a_big_discount_waits_for_the_reps_manager_and_accepting_wins_the_lead() {
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
    let (rep_id, rep) = app.user(&admin, "rep@example.com", Role::Sales, Some(north), None).await;
    let (_, boss) = app.user(&admin, "boss@example.com", Role::Manager, Some(north), None).await;
    let (_, other_boss) = app.user(&admin, "south.boss@example.com", Role::Manager, Some(south), None).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, Some(south), None).await;
    let limit = UpdateUser { max_discount_percent: Some(dec("10")), ..UpdateUser::default() };
    admin.update_user(&rep_id.to_string(), &limit, &opts).await.unwrap();

    let c = customer(&rep, "Rep's customer").await;
    let lead = rep
        .create_lead(&CreateLead { title: "Fleet".into(), customer_id: Some(c), ..CreateLead::default() }, &opts)
        .await
        .unwrap();
    let body = CreateQuote { lead_id: Some(lead.id), ..quote(c, "CNY", vec![line("4", "100.00", "25", "13")]) };
    let q = rep.create_quote(&body, &opts).await.unwrap();
    assert_eq!(q.owner_id, rep_id);
    let id = q.id.to_string();

    let submitted = rep.quote_action(&id, "submit", &opts).await.unwrap();
    assert_eq!(submitted.status, QuoteStatus::PendingApproval);
    assert_eq!(events(&app, "quote", "quote.submitted", q.id), 1);
    assert_eq!(rep.quote_action(&id, "approve", &opts).await.unwrap_err().code(), Some(ErrorCode::Forbidden));
    // A manager of another team does not even see it.
    assert_eq!(other_boss.quote_action(&id, "approve", &opts).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    let problem = assert_problem(
        post(&app, &rep, &format!("/quotes/{id}/send"), json!(null)).await,
        409,
        "invalid_state_transition",
    )
    .await;
    assert_eq!(problem["allowed_actions"], json!(["approve", "reject-approval", "cancel"]));
    // Sent back once, submitted again, then approved.
    assert_eq!(boss.quote_action(&id, "reject-approval", &opts).await.unwrap().status, QuoteStatus::Draft);
    assert_eq!(events(&app, "quote", "quote.approval_rejected", q.id), 1);
    rep.quote_action(&id, "submit", &opts).await.unwrap();
    let approved = boss.quote_action(&id, "approve", &opts).await.unwrap();
    assert_eq!(approved.status, QuoteStatus::Approved);
    assert_eq!(rep.quote_action(&id, "send", &opts).await.unwrap().status, QuoteStatus::Sent);
    let accepted = rep.quote_action(&id, "accept", &opts).await.unwrap();
    assert_eq!(accepted.status, QuoteStatus::Accepted);
    let purchase = rep.get_purchase(&accepted.purchase_id.unwrap().to_string()).await.unwrap();
    assert_eq!((purchase.quote_id, purchase.total, purchase.customer_id), (Some(q.id), accepted.total, c));
    assert_eq!(purchase.lines.len(), 1);
    assert_eq!(purchase.lines[0].net_amount.to_string(), "300.00");

    let won = rep.get_lead(&lead.id.to_string()).await.unwrap();
    assert_eq!(won.stage, LeadStage::Won);
    assert_eq!(won.stage_history.last().unwrap().stage, LeadStage::Won);
    assert_eq!(events(&app, "lead", "lead.won", lead.id), 1);

    // A rep of another team sees neither the quote nor the purchase, in lists or by id.
    assert_eq!(other.get_quote(&id).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(other.get_purchase(&purchase.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    let theirs = other.list_quotes(&ListQuery::new().with_total()).await.unwrap();
    assert_eq!(theirs.total_count, Some(0));
    let theirs = other.list_purchases(&ListQuery::new().with_total()).await.unwrap();
    assert_eq!(theirs.total_count, Some(0));
    let mine = rep.list_quotes(&ListQuery::new().param("owner_id", "me").with_total()).await.unwrap();
    assert_eq!(mine.total_count, Some(1));
    // Nor may they quote the rep's customer.
    let resp = post(
        &app,
        &other,
        "/quotes",
        serde_json::to_value(quote(c, "CNY", vec![line("1", "1.00", "0", "0")])).unwrap(),
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["pointer"], "/customer_id");
    app.stop().await;
}
