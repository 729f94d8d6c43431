//! Leads: the pipeline from a prospect to a won deal, the rules of each move, the board's sums,
//! and who sees which lead.

#![allow(clippy::unwrap_used)]

mod common;

use std::str::FromStr;

use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::customer::CreateCustomer;
use kehu_core::lead::{ChangeStage, ConvertLead, CreateLead, LeadStage, Prospect, StageProbabilities, UpdateLead};
use kehu_core::settings::UpdateSettings;
use kehu_core::team::CreateTeam;
use kehu_core::user::Role;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn prospect_lead(title: &str, company: &str) -> CreateLead {
    CreateLead {
        title: title.to_owned(),
        prospect: Some(Prospect {
            company_name: Some(company.to_owned()),
            contact_name: Some("王芳".to_owned()),
            phone: Some("+86 21 5555 0101".to_owned()),
            email: Some("wang.fang@prospect.example".to_owned()),
        }),
        ..CreateLead::default()
    }
}

fn stage(stage: LeadStage) -> ChangeStage {
    ChangeStage { stage, lost_reason: None, probability: None }
}

async fn customer(client: &Client, name: &str) -> Uuid {
    let body = CreateCustomer { name: name.to_owned(), ..CreateCustomer::default() };
    client.create_customer(&body, &WriteOptions::default()).await.unwrap().id
}

/// How many outbox events of `event_type` the database holds for lead `id`.
fn events(app: &TestApp, event_type: &str, id: Uuid) -> usize {
    let mut conn = app.store().conn().unwrap();
    let all = kehu_store::outbox::for_entity(&mut conn, "lead", id).unwrap();
    all.iter().filter(|e| e.event_type == event_type).count()
}

#[actix_web::test]
async fn a_prospect_is_qualified_converted_and_won() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep_id, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();

    let body = CreateLead {
        amount: Some(dec("120000.00")),
        currency: Some("CNY".into()),
        expected_close_date: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
        competitor: Some("Globex".into()),
        ..prospect_lead("Fleet renewal 2027", "上海远景物流有限公司")
    };
    let lead = rep.create_lead(&body, &opts).await.unwrap();
    assert_eq!((lead.stage, lead.probability, lead.owner_id), (LeadStage::New, 10, rep_id));
    assert_eq!(lead.amount, Some(dec("120000.00")));
    assert_eq!(lead.amount.unwrap().to_string(), "120000.00");
    assert_eq!(lead.stage_history.iter().map(|h| h.stage).collect::<Vec<_>>(), [LeadStage::New]);
    assert_eq!(events(&app, "lead.created", lead.id), 1);
    let id = lead.id.to_string();

    let lead = rep.change_lead_stage(&id, &stage(LeadStage::Qualified), &opts).await.unwrap();
    assert_eq!((lead.stage, lead.probability), (LeadStage::Qualified, 25));
    let to_proposal = ChangeStage { probability: Some(60), ..stage(LeadStage::Proposal) };
    let lead = rep.change_lead_stage(&id, &to_proposal, &WriteOptions::if_match(lead.version)).await.unwrap();
    assert_eq!((lead.stage, lead.probability), (LeadStage::Proposal, 60));
    let stale = rep.change_lead_stage(&id, &stage(LeadStage::Negotiation), &WriteOptions::if_match(1)).await;
    assert_eq!(stale.unwrap_err().code(), Some(ErrorCode::PreconditionFailed));

    // A prospect cannot be won: it has no customer yet.
    let token = rep.token().unwrap();
    let post = |path: String, body: serde_json::Value| {
        app.http.post(app.url(&format!("/api/v1{path}"))).bearer_auth(&token).json(&body).send()
    };
    let problem = assert_problem(
        post(format!("/leads/{id}/stage"), json!({"stage": "won"})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        (problem["errors"][0]["pointer"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("/stage"), Some("customer_required"))
    );

    // Converting makes the customer (the rep's) and its primary contact, in one go.
    let done = rep.convert_lead(&id, &ConvertLead::default(), &opts).await.unwrap();
    assert_eq!(done.lead.customer_id, Some(done.customer_id));
    let made = rep.get_customer(&done.customer_id.to_string()).await.unwrap();
    assert_eq!((made.name.as_str(), made.owner_id), ("上海远景物流有限公司", Some(rep_id)));
    let contact = rep.get_contact(&done.contact_id.unwrap().to_string()).await.unwrap();
    assert_eq!((contact.name.as_str(), contact.is_primary), ("王芳", true));
    let again = post(format!("/leads/{id}/convert"), json!({})).await.unwrap();
    let problem = assert_problem(again, 409, "invalid_state_transition").await;
    assert_eq!(problem["current_status"], "proposal");

    let won = rep.change_lead_stage(&id, &stage(LeadStage::Won), &opts).await.unwrap();
    assert_eq!((won.stage, won.probability), (LeadStage::Won, 100));
    assert!(won.closed_at.is_some());
    assert_eq!(
        won.stage_history.iter().map(|h| h.stage).collect::<Vec<_>>(),
        [LeadStage::New, LeadStage::Qualified, LeadStage::Proposal, LeadStage::Won]
    );
    assert_eq!(events(&app, "lead.won", won.id), 1);
    assert_eq!(events(&app, "lead.stage_changed", won.id), 3);
    // Won is final.
    let problem = assert_problem(
        post(format!("/leads/{id}/stage"), json!({"stage": "new"})).await.unwrap(),
        409,
        "invalid_state_transition",
    )
    .await;
    assert_eq!((problem["current_status"].as_str(), problem["allowed_actions"].clone()), (Some("won"), json!([])));
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "lead").param("entity_id", id.clone()))
        .await
        .unwrap();
    assert!(history.data.len() >= 5, "{history:?}");

    // The customer's 360 counts its leads.
    let overview = rep.customer_overview(&done.customer_id.to_string()).await.unwrap();
    assert_eq!((overview.counts.leads, overview.counts.open_leads), (1, 0));
    app.stop().await;
}

#[actix_web::test]
async fn an_action_whose_fields_are_all_optional_takes_an_empty_post() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let lead =
        admin.create_lead(&prospect_lead("Boilers", "青岛海川设备有限公司"), &WriteOptions::default()).await.unwrap();
    let token = admin.token().unwrap();
    let bare = |action: &str| {
        app.http.post(app.url(&format!("/api/v1/leads/{}/{action}", lead.id))).bearer_auth(&token).send()
    };

    // No body and no content type: read as `{}`.
    let resp = bare("convert").await.unwrap();
    assert_eq!(resp.status(), 200);
    let done: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(done["lead"]["customer_id"], done["customer_id"]);
    assert!(done["customer_id"].is_string(), "{done}");

    // A body with a required field still has to be sent.
    assert_problem(bare("stage").await.unwrap(), 415, "unsupported_media_type").await;
    app.stop().await;
}

#[actix_web::test]
async fn lost_needs_a_reason_and_can_be_taken_up_again() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let acme = customer(&rep, "ACME").await;
    let lead = rep
        .create_lead(&CreateLead { title: "Pilot".into(), customer_id: Some(acme), ..CreateLead::default() }, &opts)
        .await
        .unwrap();
    let id = lead.id.to_string();
    let no_reason = rep.change_lead_stage(&id, &stage(LeadStage::Lost), &opts).await.unwrap_err();
    let problem = no_reason.problem().unwrap();
    assert_eq!((problem.errors[0].pointer.as_str(), problem.errors[0].code.as_str()), ("/lost_reason", "required"));
    let lost = ChangeStage { lost_reason: Some("Chose a cheaper offer".into()), ..stage(LeadStage::Lost) };
    let lead = rep.change_lead_stage(&id, &lost, &opts).await.unwrap();
    assert_eq!((lead.stage, lead.probability), (LeadStage::Lost, 0));
    assert_eq!(lead.lost_reason.as_deref(), Some("Chose a cheaper offer"));
    assert_eq!(events(&app, "lead.lost", lead.id), 1);
    // A lost lead only goes back to an open stage.
    let won = rep.change_lead_stage(&id, &stage(LeadStage::Won), &opts).await.unwrap_err();
    let problem = won.problem().unwrap();
    assert_eq!(problem.code, ErrorCode::InvalidStateTransition);
    assert_eq!(
        problem.allowed_actions.clone().unwrap(),
        ["stage:new", "stage:qualified", "stage:proposal", "stage:negotiation"]
    );
    let lead = rep.change_lead_stage(&id, &stage(LeadStage::Qualified), &opts).await.unwrap();
    assert_eq!((lead.stage, lead.lost_reason, lead.closed_at), (LeadStage::Qualified, None, None));
    app.stop().await;
}

#[actix_web::test]
async fn bad_leads_are_refused_with_pointers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let acme = customer(&rep, "ACME").await;
    let token = rep.token().unwrap();
    let post = |body: serde_json::Value| app.http.post(app.url("/api/v1/leads")).bearer_auth(&token).json(&body).send();
    for (body, pointer, code) in [
        (json!({"customer_id": acme}), "/title", "required"),
        (json!({"title": "X"}), "/prospect", "required"),
        (json!({"title": "X", "prospect": {"contact_name": "Li"}}), "/prospect/company_name", "required"),
        (json!({"title": "X", "customer_id": acme, "stage": "closing"}), "/stage", "invalid_value"),
        (json!({"title": "X", "customer_id": acme, "stage": "won"}), "/stage", "invalid_value"),
        (json!({"title": "X", "customer_id": acme, "amount": "100"}), "/currency", "required"),
        (
            json!({"title": "X", "customer_id": acme, "amount": "10.005", "currency": "CNY"}),
            "/amount",
            "too_many_decimals",
        ),
        (
            json!({"title": "X", "customer_id": acme, "amount": "5.5", "currency": "JPY"}),
            "/amount",
            "too_many_decimals",
        ),
        (json!({"title": "X", "customer_id": acme, "amount": "-1", "currency": "CNY"}), "/amount", "negative"),
        (json!({"title": "X", "customer_id": acme, "amount": "1", "currency": "XYZ"}), "/currency", "unknown_currency"),
        (json!({"title": "X", "customer_id": acme, "probability": 120}), "/probability", "out_of_range"),
        (json!({"title": "X", "customer_id": Uuid::now_v7()}), "/customer_id", "not_found"),
        (json!({"title": "X", "prospect": {"company_name": "Y", "email": "nope"}}), "/prospect/email", "invalid_email"),
    ] {
        let problem = assert_problem(post(body.clone()).await.unwrap(), 422, "validation_failed").await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["pointer"] == pointer && e["code"] == code),
            "{body} gave {errors:?}, not {pointer} {code}"
        );
    }
    let problem = assert_problem(
        post(json!({"title": "X", "customer_id": acme, "owner": "me"})).await.unwrap(),
        400,
        "unknown_field",
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/owner");
    // The stage changes only through its action.
    let lead = rep
        .create_lead(
            &CreateLead { title: "X".into(), customer_id: Some(acme), ..CreateLead::default() },
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    let patch = app
        .http
        .patch(app.url(&format!("/api/v1/leads/{}", lead.id)))
        .bearer_auth(&token)
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"stage":"won"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(patch, 400, "unknown_field").await;
    app.stop().await;
}

#[actix_web::test]
async fn the_board_sums_each_stage_per_currency_within_the_callers_view() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let north = admin
        .create_team(&CreateTeam { name: "North".into(), parent_id: None, manager_id: None }, &WriteOptions::default())
        .await
        .unwrap()
        .id;
    let south = admin
        .create_team(&CreateTeam { name: "South".into(), parent_id: None, manager_id: None }, &WriteOptions::default())
        .await
        .unwrap()
        .id;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, Some(north), None).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, Some(south), None).await;
    let (_, boss) = app.user(&admin, "boss@example.com", Role::Manager, Some(north), None).await;
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    let opts = WriteOptions::default();
    let money = |amount: &str, currency: &str| CreateLead {
        amount: Some(dec(amount)),
        currency: Some(currency.into()),
        ..prospect_lead("Deal", "Prospect Co")
    };
    rep.create_lead(&money("100.00", "CNY"), &opts).await.unwrap();
    rep.create_lead(&money("50.05", "CNY"), &opts).await.unwrap();
    rep.create_lead(&money("1000", "JPY"), &opts).await.unwrap();
    rep.create_lead(&prospect_lead("No amount yet", "Prospect Co"), &opts).await.unwrap();
    let nego = rep
        .create_lead(&CreateLead { stage: Some(LeadStage::Negotiation), ..money("10.00", "USD") }, &opts)
        .await
        .unwrap();
    let hidden = other.create_lead(&money("999.00", "CNY"), &opts).await.unwrap();

    let board = rep.lead_board(&ListQuery::new()).await.unwrap();
    let columns: Vec<LeadStage> = board.columns.iter().map(|c| c.stage).collect();
    assert_eq!(columns, LeadStage::OPEN);
    let new = &board.columns[0];
    assert_eq!((new.count, new.probability, new.cards.len()), (4, 10, 4));
    let sums: Vec<(String, String, String)> =
        new.totals.iter().map(|t| (t.currency.clone(), t.amount.to_string(), t.weighted_amount.to_string())).collect();
    // 10 % of 150.05 is 15.005, rounded half up.
    assert_eq!(
        sums,
        [
            ("CNY".to_owned(), "150.05".to_owned(), "15.01".to_owned()),
            ("JPY".to_owned(), "1000".to_owned(), "100".to_owned())
        ]
    );
    let negotiation = &board.columns[3];
    assert_eq!((negotiation.count, negotiation.totals[0].weighted_amount.to_string()), (1, "7.50".to_owned()));
    assert_eq!(negotiation.cards[0].id, nego.id);

    // Another team's prospect is nowhere for the rep; the manager of the rep's team sees the
    // rep's and not the other team's; a service agent has no pipeline.
    assert_eq!(rep.get_lead(&hidden.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    let all = rep.list_leads(&ListQuery::new().with_total()).await.unwrap();
    assert_eq!(all.total_count, Some(5));
    let boss_board = boss.lead_board(&ListQuery::new()).await.unwrap();
    assert_eq!(boss_board.columns[0].count, 4);
    let by_team = admin.lead_board(&ListQuery::new().param("team_id", south.to_string())).await.unwrap();
    assert_eq!(by_team.columns[0].count, 1);
    let mine = boss.lead_board(&ListQuery::new().param("owner_id", "me")).await.unwrap();
    assert_eq!(mine.columns.iter().map(|c| c.count).sum::<i64>(), 0);
    assert_eq!(agent.list_leads(&ListQuery::new()).await.unwrap_err().code(), Some(ErrorCode::Forbidden));

    // A lead's history is the rep's to read, and not there for another team's rep.
    let query = ListQuery::new().param("entity", "lead").param("entity_id", nego.id.to_string());
    assert!(!rep.list_audit_events(&query).await.unwrap().data.is_empty());
    assert_eq!(other.list_audit_events(&query).await.unwrap_err().code(), Some(ErrorCode::NotFound));

    // A rep cannot work another team's customer's deals: the customer is not there for them.
    let theirs = customer(&other, "Their customer").await;
    let body = CreateLead { title: "Poach".into(), customer_id: Some(theirs), ..CreateLead::default() };
    let refused = rep.create_lead(&body, &opts).await.unwrap_err().problem().unwrap();
    assert_eq!((refused.errors[0].pointer.as_str(), refused.errors[0].code.as_str()), ("/customer_id", "not_found"));
    app.stop().await;
}

#[actix_web::test]
async fn probabilities_follow_the_settings_until_a_lead_sets_its_own() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let settings = admin.settings().await.unwrap();
    assert_eq!(settings.stage_probabilities, StageProbabilities::default());
    let changes = UpdateSettings {
        stage_probabilities: Some(StageProbabilities { new: 5, qualified: 20, proposal: 40, negotiation: 80 }),
        ..UpdateSettings::default()
    };
    admin.update_settings(&changes, &WriteOptions::if_match(settings.version)).await.unwrap();
    let opts = WriteOptions::default();
    let lead = rep.create_lead(&prospect_lead("Deal", "Prospect Co"), &opts).await.unwrap();
    assert_eq!(lead.probability, 5);
    let id = lead.id.to_string();
    let patch = UpdateLead { probability: Some(Some(33)), ..UpdateLead::default() };
    let lead = rep.update_lead(&id, &patch, &WriteOptions::if_match(lead.version)).await.unwrap();
    assert_eq!(lead.probability, 33);
    let lead = rep.change_lead_stage(&id, &stage(LeadStage::Negotiation), &opts).await.unwrap();
    assert_eq!(lead.probability, 80);
    let reset = UpdateLead { probability: Some(None), ..UpdateLead::default() };
    assert_eq!(rep.update_lead(&id, &reset, &opts).await.unwrap().probability, 80);
    // The amount follows its currency's decimals on change too.
    let patch =
        UpdateLead { amount: Some(Some(dec("12.5"))), currency: Some(Some("JPY".into())), ..UpdateLead::default() };
    let problem = rep.update_lead(&id, &patch, &opts).await.unwrap_err().problem().unwrap();
    assert_eq!(problem.errors[0].pointer, "/amount");
    let patch =
        UpdateLead { amount: Some(Some(dec("12"))), currency: Some(Some("JPY".into())), ..UpdateLead::default() };
    assert_eq!(rep.update_lead(&id, &patch, &opts).await.unwrap().amount.unwrap().to_string(), "12");
    let bad = UpdateSettings {
        stage_probabilities: Some(StageProbabilities { proposal: 101, ..StageProbabilities::default() }),
        ..UpdateSettings::default()
    };
    let problem = admin.update_settings(&bad, &opts).await.unwrap_err().problem().unwrap();
    assert_eq!(problem.errors[0].pointer, "/stage_probabilities/proposal");
    app.stop().await;
}

#[actix_web::test]
async fn a_retried_create_makes_one_lead_and_delete_restore_round_trip() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::idempotent("lead-create-1");
    let first = rep.create_lead(&prospect_lead("Deal", "Prospect Co"), &opts).await.unwrap();
    let again = rep.create_lead(&prospect_lead("Deal", "Prospect Co"), &opts).await.unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(rep.list_leads(&ListQuery::new().with_total()).await.unwrap().total_count, Some(1));
    let found = rep.list_leads(&ListQuery::new().search("prospect co")).await.unwrap();
    assert_eq!(found.data.len(), 1);
    let id = first.id.to_string();
    rep.delete_lead(&id, &WriteOptions::if_match(first.version)).await.unwrap();
    assert_eq!(rep.get_lead(&id).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(rep.restore_lead(&id).await.unwrap_err().code(), Some(ErrorCode::Forbidden));
    assert_eq!(admin.restore_lead(&id).await.unwrap().id, first.id);
    assert_eq!(rep.get_lead(&id).await.unwrap().title, "Deal");
    app.stop().await;
}
