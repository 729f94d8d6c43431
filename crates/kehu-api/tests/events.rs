//! The outbox holds only events of the catalog: a day's work across customers, products, leads,
//! quotes, purchases and complaints writes event types that `EventType` knows, each about a
//! record of the kind the catalog says, and the names stored are the ones integrators already see.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::str::FromStr;

use common::TestApp;
use diesel::prelude::*;
use kehu_client::WriteOptions;
use kehu_core::EventType;
use kehu_core::complaint::{CloseComplaint, CreateComment, CreateComplaint, ResolveComplaint};
use kehu_core::customer::{CreateCustomer, UpdateCustomer};
use kehu_core::lead::{ChangeStage, CreateLead, LeadStage};
use kehu_core::product::CreateProduct;
use kehu_core::purchase::{CreatePayment, PaymentMethod};
use kehu_core::quote::{CreateQuote, NewLine};
use kehu_core::user::Role;
use kehu_store::outbox::OutboxEvent;
use kehu_store::schema::outbox_events;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[actix_rt::test]
async fn every_stored_event_is_in_the_catalog() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;

    // A customer: made, edited, released to the pool and claimed back.
    let body = CreateCustomer { name: "深圳华强".to_owned(), ..CreateCustomer::default() };
    let customer = rep.create_customer(&body, &opts).await.unwrap();
    let cid = customer.id.to_string();
    let patch = UpdateCustomer { industry: Some(Some("retail".into())), ..UpdateCustomer::default() };
    rep.update_customer(&cid, &patch, &WriteOptions::if_match(customer.version)).await.unwrap();
    rep.release_customer(&cid).await.unwrap();
    rep.claim_customer(&cid).await.unwrap();

    // A product, quoted on a lead's behalf; the accepted quote makes a purchase and wins the lead.
    let product = CreateProduct {
        sku: "SCR-1".into(),
        name: "螺丝".into(),
        unit: None,
        currency: "CNY".into(),
        list_price: dec("19.90"),
        cost: None,
        active: true,
    };
    let product = admin.create_product(&product, &opts).await.unwrap();
    let lead = CreateLead { title: "Fleet".into(), customer_id: Some(customer.id), ..CreateLead::default() };
    let lead = rep.create_lead(&lead, &opts).await.unwrap();
    let proposal = ChangeStage { stage: LeadStage::Proposal, lost_reason: None, probability: None };
    rep.change_lead_stage(&lead.id.to_string(), &proposal, &opts).await.unwrap();
    let line = NewLine {
        product_id: Some(product.id),
        description: None,
        quantity: dec("10"),
        unit_price: None,
        discount_percent: None,
        tax_rate_percent: None,
    };
    let quote = CreateQuote {
        customer_id: customer.id,
        lead_id: Some(lead.id),
        currency: "CNY".into(),
        lines: vec![line],
        ..CreateQuote::default()
    };
    let quote = rep.create_quote(&quote, &opts).await.unwrap();
    let qid = quote.id.to_string();
    for action in ["submit", "send", "accept"] {
        rep.quote_action(&qid, action, &opts).await.unwrap();
    }
    let purchase = rep.get_quote(&qid).await.unwrap().purchase_id.unwrap().to_string();
    let payment =
        CreatePayment { amount: dec("50.00"), paid_on: None, method: PaymentMethod::BankTransfer, reference: None };
    rep.add_payment(&purchase, &payment, &opts).await.unwrap();

    // A complaint worked to the end by the service desk.
    let complaint = CreateComplaint {
        customer_id: customer.id,
        contact_id: None,
        purchase_id: None,
        channel: None,
        category: None,
        priority: None,
        subject: "Screws arrived rusty".to_owned(),
        description: None,
        assignee_id: None,
    };
    let complaint = agent.create_complaint(&complaint, &opts).await.unwrap().id.to_string();
    agent
        .add_complaint_comment(&complaint, &CreateComment { body: "Replacement on its way".into() }, &opts)
        .await
        .unwrap();
    let resolve = ResolveComplaint { resolution: Some("Replaced the batch".into()) };
    agent.resolve_complaint(&complaint, &resolve, &opts).await.unwrap();
    let close = CloseComplaint { satisfaction: Some(5), satisfaction_comment: None };
    agent.close_complaint(&complaint, &close, &opts).await.unwrap();

    let mut conn = app.store().conn().unwrap();
    let stored: Vec<OutboxEvent> =
        outbox_events::table.order(outbox_events::id.asc()).select(OutboxEvent::as_select()).load(&mut *conn).unwrap();
    let mut seen = BTreeSet::new();
    for row in &stored {
        let Some(event_type) = EventType::parse(&row.event_type) else {
            panic!("{} is not in the catalog", row.event_type);
        };
        assert_eq!(row.entity, event_type.entity().as_str(), "{}", row.event_type);
        seen.insert(event_type.as_str());
    }
    let expected = [
        "complaint.closed",
        "complaint.commented",
        "complaint.created",
        "complaint.resolved",
        "customer.assigned",
        "customer.created",
        "customer.updated",
        "lead.created",
        "lead.stage_changed",
        "lead.won",
        "product.created",
        "purchase.created",
        "purchase.paid",
        "quote.accepted",
        "quote.approved",
        "quote.created",
        "quote.sent",
        "quote.submitted",
    ];
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), expected);
    app.stop().await;
}
