//! Complaints: deadlines from the SLA settings on a clock the tests move, breaches escalated up
//! the assignee's team tree, the state machine with its refusals, who sees and works which
//! complaint, and the lists a service queue reads.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::complaint::{
    CloseComplaint, Complaint, ComplaintCategory, ComplaintStatus, CreateComment, CreateComplaint, Priority,
    ReopenComplaint, ResolveComplaint, SlaHours, SlaSettings, UpdateComplaint,
};
use kehu_core::contact::CreateContact;
use kehu_core::customer::{CreateCustomer, UpdateCustomer};
use kehu_core::settings::UpdateSettings;
use kehu_core::team::CreateTeam;
use kehu_core::user::Role;
use serde_json::json;
use uuid::Uuid;

async fn customer(client: &Client, name: &str) -> Uuid {
    let body = CreateCustomer { name: name.to_owned(), ..CreateCustomer::default() };
    client.create_customer(&body, &WriteOptions::default()).await.unwrap().id
}

fn complaint(customer: Uuid, subject: &str, priority: Priority) -> CreateComplaint {
    CreateComplaint {
        customer_id: customer,
        contact_id: None,
        purchase_id: None,
        channel: None,
        category: None,
        priority: Some(priority),
        subject: subject.to_owned(),
        description: None,
        assignee_id: None,
    }
}

async fn team(admin: &Client, name: &str, parent: Option<Uuid>, manager: Option<Uuid>) -> Uuid {
    let body = CreateTeam { name: name.to_owned(), parent_id: parent, manager_id: manager };
    admin.create_team(&body, &WriteOptions::default()).await.unwrap().id
}

fn events(app: &TestApp, event_type: &str, id: Uuid) -> usize {
    let mut conn = app.store().conn().unwrap();
    let all = kehu_store::outbox::for_entity(&mut conn, "complaint", id).unwrap();
    all.iter().filter(|e| e.event_type == event_type).count()
}

/// Runs the escalation job at the server's (test) time.
fn escalate(app: &TestApp) -> usize {
    let mut conn = app.store().conn().unwrap();
    kehu_app::complaints::escalate(&mut conn, &kehu_app::Context::system("test", &app.clock)).unwrap()
}

fn at(app: &TestApp) -> DateTime<Utc> {
    chrono::TimeZone::from_utc_datetime(&Utc, &app.clock.now())
}

/// POSTs with the client's token, for the raw problem bodies.
async fn post(app: &TestApp, client: &Client, path: &str, body: serde_json::Value) -> reqwest::Response {
    let token = client.token().unwrap();
    app.http.post(app.url(&format!("/api/v1{path}"))).bearer_auth(token).json(&body).send().await.unwrap()
}

async fn get(app: &TestApp, client: &Client, path: &str) -> reqwest::Response {
    let token = client.token().unwrap();
    app.http.get(app.url(&format!("/api/v1{path}"))).bearer_auth(token).send().await.unwrap()
}

fn numbers(list: &[Complaint]) -> Vec<String> {
    list.iter().map(|c| c.subject.clone()).collect()
}

#[actix_web::test]
async fn an_urgent_complaint_unanswered_for_an_hour_is_escalated_up_the_team_tree() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    // Support (director) ⊃ Service desk (lead) ⊃ two agents.
    let (director, director_c) = app.user(&admin, "director@example.com", Role::Manager, None, None).await;
    let (lead, lead_c) = app.user(&admin, "lead@example.com", Role::Manager, None, None).await;
    let support = team(&admin, "Support", None, Some(director)).await;
    let desk = team(&admin, "Service desk", Some(support), Some(lead)).await;
    let (agent, agent_c) = app.user(&admin, "agent@example.com", Role::Service, Some(desk), None).await;
    let (_, other_agent) = app.user(&admin, "agent2@example.com", Role::Service, Some(desk), None).await;
    let c = customer(&admin, "远景物流").await;
    let started = app.clock.now();

    let mut body = complaint(c, "Repair request waited a month", Priority::Urgent);
    body.assignee_id = Some(agent);
    let late = agent_c.create_complaint(&body, &opts).await.unwrap();
    let year = started.format("%Y");
    assert_eq!(late.number, format!("C-{year}-000001"));
    assert_eq!((late.status, late.escalation_level, late.breached), (ComplaintStatus::Open, 0, false));
    assert_eq!(late.first_response_due_at, at(&app) + Duration::hours(1));
    assert_eq!(late.resolution_due_at, at(&app) + Duration::hours(8));
    assert_eq!(late.due_at, Some(late.first_response_due_at));
    assert_eq!(late.customer_name, "远景物流");
    body.subject = "Invoice sent twice".into();
    let answered = agent_c.create_complaint(&body, &opts).await.unwrap();
    assert_eq!(answered.number, format!("C-{year}-000002"));

    // Acknowledged within the hour: it keeps its first-response deadline met.
    app.clock.advance(Duration::minutes(30));
    let answered = agent_c.complaint_action(&answered.id.to_string(), "acknowledge", &opts).await.unwrap();
    assert_eq!(answered.first_responded_at, Some(at(&app)));
    assert_eq!(answered.due_at, Some(answered.resolution_due_at));
    assert_eq!(escalate(&app), 0);

    // An hour and a minute in: the unanswered one shows breached before the job runs, and the
    // job escalates it to the desk's lead, once.
    app.clock.advance(Duration::minutes(31));
    let id = late.id.to_string();
    let seen = agent_c.get_complaint(&id).await.unwrap();
    assert_eq!((seen.breached, seen.escalation_level), (true, 0));
    assert_eq!(escalate(&app), 1);
    assert_eq!(escalate(&app), 0);
    let escalated = lead_c.get_complaint(&id).await.unwrap();
    assert_eq!((escalated.breached, escalated.escalation_level, escalated.escalated_to_id), (true, 1, Some(lead)));
    assert_eq!(escalated.assignee_id, Some(agent));
    let kept = agent_c.get_complaint(&answered.id.to_string()).await.unwrap();
    assert_eq!((kept.breached, kept.escalation_level, kept.escalated_to_id), (false, 0, None));
    assert_eq!(events(&app, "complaint.escalated", late.id), 1);
    assert_eq!(events(&app, "complaint.escalated", answered.id), 0);
    let breached = lead_c.list_complaints(&ListQuery::new().param("breached", "true")).await.unwrap();
    assert_eq!(numbers(&breached.data), ["Repair request waited a month"]);
    let on_time = lead_c.list_complaints(&ListQuery::new().param("breached", "false")).await.unwrap();
    assert_eq!(numbers(&on_time.data), ["Invoice sent twice"]);
    // It is the agent's: the other agent of the desk does not see it.
    assert_problem(get(&app, &other_agent, &format!("/complaints/{id}")).await, 404, "not_found").await;

    // Eight hours in, unresolved: the second missed deadline goes one manager further up.
    app.clock.advance(Duration::hours(7));
    assert_eq!(escalate(&app), 2);
    let escalated = director_c.get_complaint(&id).await.unwrap();
    assert_eq!((escalated.escalation_level, escalated.escalated_to_id), (2, Some(director)));
    let second = director_c.get_complaint(&answered.id.to_string()).await.unwrap();
    assert_eq!((second.breached, second.escalation_level, second.escalated_to_id), (true, 1, Some(lead)));
    assert_eq!(events(&app, "complaint.escalated", late.id), 2);
    // The history says why.
    let history = agent_c
        .list_audit_events(&ListQuery::new().param("entity", "complaint").param("entity_id", id.clone()))
        .await
        .unwrap();
    let reasons: Vec<String> = history
        .data
        .iter()
        .flat_map(|e| e.changes.iter())
        .filter(|c| c.field == "reason")
        .map(|c| c.after.as_str().unwrap().to_owned())
        .collect();
    assert!(reasons.contains(&"first response deadline missed".to_owned()), "{reasons:?}");
    assert!(reasons.contains(&"resolution deadline missed".to_owned()), "{reasons:?}");
    app.stop().await;
}

#[actix_web::test]
async fn refused_moves_have_clear_codes_and_reopening_has_a_window() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    let c = customer(&admin, "Globex").await;
    let made = agent.create_complaint(&complaint(c, "Scanner broken", Priority::High), &opts).await.unwrap();
    let id = made.id.to_string();

    let resp = post(&app, &agent, &format!("/complaints/{id}/close"), json!({"satisfaction": 4})).await;
    let problem = assert_problem(resp, 409, "invalid_state_transition").await;
    assert_eq!(problem["current_status"], "open");
    assert_eq!(problem["allowed_actions"], json!(["acknowledge", "start", "resolve", "assign"]));

    let resp = post(&app, &agent, &format!("/complaints/{id}/resolve"), json!({})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["pointer"], "/resolution");
    assert_eq!(problem["errors"][0]["code"], "required");
    // Nothing moved.
    assert_eq!(agent.get_complaint(&id).await.unwrap().status, ComplaintStatus::Open);

    app.clock.advance(Duration::hours(2));
    let resolve = ResolveComplaint { resolution: Some("Replaced the scanner".into()) };
    let resolved = agent.resolve_complaint(&id, &resolve, &opts).await.unwrap();
    assert_eq!(resolved.status, ComplaintStatus::Resolved);
    // Resolving is also the first response (two hours in, within the four of `high`); it took
    // the queued complaint for the agent.
    assert_eq!((resolved.first_responded_at, resolved.resolved_at), (Some(at(&app)), Some(at(&app))));
    assert!(!resolved.breached);
    assert!(resolved.assignee_id.is_some());
    assert_eq!(resolved.due_at, None);

    let resp = post(&app, &agent, &format!("/complaints/{id}/close"), json!({"satisfaction_comment": "ok"})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(
        (problem["errors"][0]["pointer"].clone(), problem["errors"][0]["code"].clone()),
        (json!("/satisfaction"), json!("required"))
    );
    let resp = post(&app, &agent, &format!("/complaints/{id}/close"), json!({"satisfaction": 6})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    let resp = post(&app, &agent, &format!("/complaints/{id}/close"), json!({"satisfaction": "5"})).await;
    assert_problem(resp, 422, "validation_failed").await;
    let close = CloseComplaint { satisfaction: Some(4), satisfaction_comment: Some("Quick, thanks".into()) };
    let closed = agent.close_complaint(&id, &close, &opts).await.unwrap();
    assert_eq!((closed.status, closed.satisfaction), (ComplaintStatus::Closed, Some(4)));
    assert_eq!(closed.satisfaction_comment.as_deref(), Some("Quick, thanks"));
    let resp = post(&app, &agent, &format!("/complaints/{id}/comments"), json!({"body": "  "})).await;
    assert_problem(resp, 422, "validation_failed").await;

    // Reopened a day later, with a reason: a new round with deadlines from now.
    app.clock.advance(Duration::days(1));
    let resp = post(&app, &agent, &format!("/complaints/{id}/reopen"), json!({})).await;
    assert_problem(resp, 422, "validation_failed").await;
    let reopen = ReopenComplaint { reason: Some("It broke again".into()) };
    let reopened = agent.reopen_complaint(&id, &reopen, &opts).await.unwrap();
    assert_eq!((reopened.status, reopened.reopen_count), (ComplaintStatus::Open, 1));
    assert_eq!(reopened.first_response_due_at, at(&app) + Duration::hours(4));
    assert_eq!((reopened.satisfaction, reopened.resolved_at, reopened.first_responded_at), (None, None, None));
    let comments = agent.list_complaint_comments(&id, &ListQuery::new()).await.unwrap();
    assert_eq!(comments.data.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(), ["It broke again"]);
    agent.resolve_complaint(&id, &ResolveComplaint { resolution: Some("New unit".into()) }, &opts).await.unwrap();

    // Past the window (14 days by default): refused, until the window is widened.
    app.clock.advance(Duration::days(15));
    let resp = post(&app, &agent, &format!("/complaints/{id}/reopen"), json!({"reason": "Again"})).await;
    let problem = assert_problem(resp, 409, "reopen_window_closed").await;
    assert!(problem["detail"].as_str().unwrap().contains("14 days"));
    let settings = admin.settings().await.unwrap();
    assert_eq!(settings.complaint_reopen_days, 14);
    let wider = UpdateSettings { complaint_reopen_days: Some(30), ..UpdateSettings::default() };
    admin.update_settings(&wider, &opts).await.unwrap();
    let reopened = agent.reopen_complaint(&id, &reopen, &opts).await.unwrap();
    assert_eq!(reopened.reopen_count, 2);
    let bad = UpdateSettings { complaint_reopen_days: Some(0), ..UpdateSettings::default() };
    let problem = admin.update_settings(&bad, &opts).await.unwrap_err().problem().unwrap();
    assert_eq!(problem.errors[0].pointer, "/complaint_reopen_days");

    assert_eq!(events(&app, "complaint.created", made.id), 1);
    assert_eq!(events(&app, "complaint.resolved", made.id), 2);
    assert_eq!(events(&app, "complaint.closed", made.id), 1);
    assert_eq!(events(&app, "complaint.reopened", made.id), 2);
    app.stop().await;
}

#[actix_web::test]
async fn who_sees_and_works_which_complaint() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let (north_boss, north_boss_c) = app.user(&admin, "nboss@example.com", Role::Manager, None, None).await;
    let (south_boss, south_boss_c) = app.user(&admin, "sboss@example.com", Role::Manager, None, None).await;
    let north = team(&admin, "North", None, Some(north_boss)).await;
    let south = team(&admin, "South", None, Some(south_boss)).await;
    let (rep, rep_c) = app.user(&admin, "rep@example.com", Role::Sales, Some(north), None).await;
    let (mate, mate_c) = app.user(&admin, "mate@example.com", Role::Sales, Some(north), None).await;
    let (_, far_c) = app.user(&admin, "far@example.com", Role::Sales, Some(south), None).await;
    let (agent, agent_c) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    let (_, agent2_c) = app.user(&admin, "agent2@example.com", Role::Service, None, None).await;
    let mine = customer(&rep_c, "Rep's customer").await;
    let pooled = customer(&admin, "Pool customer").await;
    admin.release_customer(&pooled.to_string()).await.ok();

    // A service agent reads customers but changes none.
    let c = agent_c.get_customer(&mine.to_string()).await.unwrap();
    let patch = UpdateCustomer { industry: Some(Some("Retail".into())), ..UpdateCustomer::default() };
    let err = agent_c.update_customer(&mine.to_string(), &patch, &WriteOptions::if_match(c.version)).await.unwrap_err();
    assert_eq!(err.problem().unwrap().code, ErrorCode::Forbidden);
    let resp = post(&app, &agent_c, "/customers", json!({"name": "Not mine to make"})).await;
    assert_eq!(resp.status(), 403);

    // Taken in by an agent from the phone, for the rep's customer: in the queue.
    let mut body = complaint(mine, "Wrong colour delivered", Priority::Normal);
    body.category = Some(ComplaintCategory::Delivery);
    let made = agent_c.create_complaint(&body, &opts).await.unwrap();
    let id = made.id.to_string();
    for (who, sees) in [
        (&rep_c, true),
        (&mate_c, false),
        (&far_c, false),
        (&north_boss_c, true),
        (&south_boss_c, false),
        (&agent2_c, true),
    ] {
        let status = get(&app, who, &format!("/complaints/{id}")).await.status().as_u16();
        assert_eq!(status, if sees { 200 } else { 404 });
        let listed = who.list_complaints(&ListQuery::new().param("include", "total_count")).await.unwrap();
        assert_eq!(listed.total_count, Some(i64::from(sees)));
        let history = get(&app, who, &format!("/audit-events?entity=complaint&entity_id={id}")).await;
        assert_eq!(history.status().as_u16(), if sees { 200 } else { 404 });
    }
    // The other rep of another team gets the same 404 as for a complaint that does not exist.
    assert_problem(get(&app, &far_c, &format!("/complaints/{id}")).await, 404, "not_found").await;
    assert_problem(get(&app, &far_c, &format!("/complaints/{}", Uuid::now_v7())).await, 404, "not_found").await;

    // The agent takes it by acknowledging: out of the queue, so the other agent loses it.
    let taken = agent_c.complaint_action(&id, "acknowledge", &opts).await.unwrap();
    assert_eq!(taken.assignee_id, Some(agent));
    assert_problem(get(&app, &agent2_c, &format!("/complaints/{id}")).await, 404, "not_found").await;
    let queue = agent2_c.list_complaints(&ListQuery::new().param("assignee_id", "none")).await.unwrap();
    assert!(queue.data.is_empty());
    let own = agent_c.list_complaints(&ListQuery::new().param("assignee_id", "me")).await.unwrap();
    assert_eq!(own.data.len(), 1);

    // The customer's rep may add to it; the customer 360 shows it open.
    rep_c
        .add_complaint_comment(&id, &CreateComment { body: "Called them, they are patient".into() }, &opts)
        .await
        .unwrap();
    let overview = rep_c.customer_overview(&mine.to_string()).await.unwrap();
    assert_eq!((overview.counts.complaints, overview.counts.open_complaints), (1, 1));
    assert_eq!(overview.open_complaints.iter().map(|c| c.id).collect::<Vec<_>>(), [made.id]);
    assert!(overview.open_items >= 1);

    // A pool customer's complaint: every rep reads it, only its assignee works it.
    let pool_made = agent_c.create_complaint(&complaint(pooled, "Late refund", Priority::Low), &opts).await.unwrap();
    let pid = pool_made.id.to_string();
    mate_c.get_complaint(&pid).await.unwrap();
    let resp = post(&app, &mate_c, &format!("/complaints/{pid}/comments"), json!({"body": "Me too"})).await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = post(&app, &agent_c, &format!("/complaints/{pid}/assign"), json!({"assignee_id": mate})).await;
    assert_eq!(resp.status(), 200);
    mate_c.add_complaint_comment(&pid, &CreateComment { body: "On it".into() }, &opts).await.unwrap();

    // Handed on, it left the agent's view.
    assert_problem(get(&app, &agent_c, &format!("/complaints/{pid}")).await, 404, "not_found").await;

    // Assignees are people who handle complaints, and the links stay within the customer.
    let me = admin.me().await.unwrap();
    let resp = post(&app, &north_boss_c, &format!("/complaints/{pid}/assign"), json!({"assignee_id": me.id})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "cannot_handle");
    let resp = post(&app, &north_boss_c, &format!("/complaints/{pid}/assign"), json!({})).await;
    assert_problem(resp, 422, "validation_failed").await;
    let body: CreateContact = serde_json::from_value(json!({"customer_id": mine, "name": "王芳"})).unwrap();
    let contact = rep_c.create_contact(&body, &opts).await.unwrap();
    let mut wrong = complaint(pooled, "Wrong contact", Priority::Low);
    wrong.contact_id = Some(contact.id);
    let problem = agent_c.create_complaint(&wrong, &opts).await.unwrap_err().problem().unwrap();
    assert_eq!((problem.errors[0].pointer.as_str(), problem.errors[0].code.as_str()), ("/contact_id", "not_found"));
    let mut right = complaint(mine, "Right contact", Priority::Low);
    right.contact_id = Some(contact.id);
    let right = agent_c.create_complaint(&right, &opts).await.unwrap();
    assert_eq!(right.contact_id, Some(contact.id));

    // A call about the complaint is logged against it, on its own customer only.
    let call = |customer: Uuid| {
        serde_json::from_value::<kehu_core::activity::CreateActivity>(json!({
            "kind": "call", "subject": "Called back", "customer_id": customer, "complaint_id": right.id
        }))
        .unwrap()
    };
    let logged = agent_c.create_activity(&call(mine), &opts).await.unwrap();
    assert_eq!(logged.complaint_id, Some(right.id));
    let problem = agent_c.create_activity(&call(pooled), &opts).await.unwrap_err().problem().unwrap();
    assert_eq!(
        (problem.errors[0].pointer.as_str(), problem.errors[0].code.as_str()),
        ("/complaint_id", "wrong_customer")
    );
    assert_eq!(overview.customer.owner_id, Some(rep));
    app.stop().await;
}

#[actix_web::test]
async fn the_queue_lists_by_deadline_with_filters() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    let c = customer(&admin, "Initech").await;
    let other = customer(&admin, "Umbrella").await;
    for (subject, priority) in [
        ("Low one", Priority::Low),
        ("Urgent one", Priority::Urgent),
        ("High one", Priority::High),
        ("Normal one", Priority::Normal),
    ] {
        agent.create_complaint(&complaint(c, subject, priority), &opts).await.unwrap();
        app.clock.advance(Duration::minutes(1));
    }
    let mut billing = complaint(other, "Billed twice", Priority::Normal);
    billing.category = Some(ComplaintCategory::Billing);
    let billed = agent.create_complaint(&billing, &opts).await.unwrap();

    let queue = agent.list_complaints(&ListQuery::new()).await.unwrap();
    assert_eq!(numbers(&queue.data), ["Urgent one", "High one", "Normal one", "Billed twice", "Low one"]);
    let first = agent.list_complaints(&ListQuery::new().limit(2)).await.unwrap();
    assert_eq!(numbers(&first.data), ["Urgent one", "High one"]);
    let rest = agent.list_complaints(&ListQuery::new().limit(10).cursor(first.next_cursor.unwrap())).await.unwrap();
    assert_eq!(numbers(&rest.data), ["Normal one", "Billed twice", "Low one"]);
    let newest = agent.list_complaints(&ListQuery::new().sort("-created_at").limit(1)).await.unwrap();
    assert_eq!(numbers(&newest.data), ["Billed twice"]);

    let q = |k: &str, v: &str| ListQuery::new().param(k, v);
    assert_eq!(
        numbers(&agent.list_complaints(&q("priority", "urgent,high")).await.unwrap().data),
        ["Urgent one", "High one"]
    );
    assert_eq!(numbers(&agent.list_complaints(&q("category", "billing")).await.unwrap().data), ["Billed twice"]);
    assert_eq!(agent.list_complaints(&q("customer_id", &other.to_string())).await.unwrap().data.len(), 1);
    assert_eq!(numbers(&agent.list_complaints(&q("q", "twice")).await.unwrap().data), ["Billed twice"]);
    assert_eq!(
        numbers(&agent.list_complaints(&q("q", &billed.number.to_lowercase())).await.unwrap().data),
        ["Billed twice"]
    );
    let soon = (at(&app) + Duration::hours(3)).to_rfc3339();
    assert_eq!(numbers(&agent.list_complaints(&q("due_before", &soon)).await.unwrap().data), ["Urgent one"]);

    // Acknowledged, the urgent one waits on its resolution (8 h after it came in) and sorts after
    // the high one's first response (4 h), before the normal one's (8 h, made two minutes later).
    let urgent = &queue.data[0];
    agent.complaint_action(&urgent.id.to_string(), "acknowledge", &opts).await.unwrap();
    let queue = agent.list_complaints(&q("status", "open,acknowledged")).await.unwrap();
    assert_eq!(numbers(&queue.data), ["High one", "Urgent one", "Normal one", "Billed twice", "Low one"]);
    assert_eq!(numbers(&agent.list_complaints(&q("status", "acknowledged")).await.unwrap().data), ["Urgent one"]);
    let resp = get(&app, &agent, "/complaints?status=waiting").await;
    assert_problem(resp, 400, "invalid_parameter").await;
    let resp = get(&app, &agent, "/complaints?assignee_id=someone").await;
    assert_problem(resp, 400, "invalid_parameter").await;
    app.stop().await;
}

#[actix_web::test]
async fn deadlines_follow_the_settings_and_the_priority() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let c = customer(&admin, "Hooli").await;
    let settings = admin.settings().await.unwrap();
    assert_eq!(settings.sla, SlaSettings::default());
    let sla =
        SlaSettings { urgent: SlaHours { first_response_hours: 2, resolution_hours: 10 }, ..SlaSettings::default() };
    let changes = UpdateSettings { sla: Some(sla), ..UpdateSettings::default() };
    admin.update_settings(&changes, &opts).await.unwrap();
    let made = admin.create_complaint(&complaint(c, "Down", Priority::Urgent), &opts).await.unwrap();
    assert_eq!(made.first_response_due_at, at(&app) + Duration::hours(2));
    assert_eq!(made.resolution_due_at, at(&app) + Duration::hours(10));

    // A lower priority moves the deadlines of the round, counted from its start.
    app.clock.advance(Duration::minutes(10));
    let patch = UpdateComplaint { priority: Some(Priority::Low), ..UpdateComplaint::default() };
    let id = made.id.to_string();
    let lowered = admin.update_complaint(&id, &patch, &WriteOptions::if_match(made.version)).await.unwrap();
    assert_eq!(lowered.first_response_due_at, made.created_at + Duration::hours(24));
    assert_eq!(lowered.resolution_due_at, made.created_at + Duration::hours(120));
    let stale = admin.update_complaint(&id, &patch, &WriteOptions::if_match(made.version)).await.unwrap_err();
    assert_eq!(stale.problem().unwrap().code, ErrorCode::PreconditionFailed);

    let bad = UpdateSettings {
        sla: Some(SlaSettings {
            low: SlaHours { first_response_hours: 48, resolution_hours: 24 },
            ..SlaSettings::default()
        }),
        ..UpdateSettings::default()
    };
    let problem = admin.update_settings(&bad, &opts).await.unwrap_err().problem().unwrap();
    assert_eq!(problem.errors[0].pointer, "/sla/low/resolution_hours");

    // A late first response still counts, and marks the round breached.
    app.clock.advance(Duration::hours(30));
    let late = admin.complaint_action(&id, "start", &opts).await.unwrap();
    assert_eq!((late.status, late.breached), (ComplaintStatus::InProgress, true));
    let done =
        admin.resolve_complaint(&id, &ResolveComplaint { resolution: Some("Restarted".into()) }, &opts).await.unwrap();
    let resp = post(&app, &admin, &format!("/complaints/{id}/assign"), json!({"assignee_id": null})).await;
    let problem = assert_problem(resp, 409, "invalid_state_transition").await;
    assert_eq!(problem["allowed_actions"], json!(["close", "reopen"]));
    let patch = UpdateComplaint { subject: Some("Edited".into()), ..UpdateComplaint::default() };
    let err = admin.update_complaint(&id, &patch, &WriteOptions::if_match(done.version)).await.unwrap_err();
    assert_eq!(err.problem().unwrap().code, ErrorCode::InvalidStateTransition);
    app.stop().await;
}
