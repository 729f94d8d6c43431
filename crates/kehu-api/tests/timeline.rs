//! Contacts, activities and the customer 360: what a rep does all day.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::activity::{ActivityKind, CreateActivity, UpdateActivity};
use kehu_core::api_key::CreateApiKey;
use kehu_core::contact::{CreateContact, UpdateContact};
use kehu_core::customer::{CreateCustomer, RelatedCounts};
use kehu_core::user::Role;
use serde_json::json;
use uuid::Uuid;

fn contact(customer_id: Uuid, name: &str) -> CreateContact {
    serde_json::from_value(json!({"customer_id": customer_id, "name": name})).unwrap()
}

fn activity(kind: &str, customer_id: Uuid, subject: &str) -> CreateActivity {
    serde_json::from_value(json!({"kind": kind, "customer_id": customer_id, "subject": subject})).unwrap()
}

async fn customer(client: &Client, name: &str) -> Uuid {
    let body = CreateCustomer { name: name.to_owned(), ..CreateCustomer::default() };
    client.create_customer(&body, &WriteOptions::default()).await.unwrap().id
}

#[actix_web::test]
async fn contacts_belong_to_a_customer_with_one_primary() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let acme = customer(&rep, "ACME").await;
    let first = CreateContact {
        is_primary: true,
        mobile: Some("139 1234 5678".into()),
        email: Some("Li.Lei@acme.example".into()),
        birthday: Some(chrono::NaiveDate::from_ymd_opt(1990, 5, 17).unwrap()),
        ..contact(acme, "李雷")
    };
    let li = rep.create_contact(&first, &opts).await.unwrap();
    assert!(li.is_primary);
    assert_eq!(li.do_not_contact, Default::default());
    let han = rep.create_contact(&CreateContact { is_primary: true, ..contact(acme, "韩梅梅") }, &opts).await.unwrap();
    // The newer primary contact takes over.
    assert!(!rep.get_contact(&li.id.to_string()).await.unwrap().is_primary);
    assert!(han.is_primary);

    let found = rep.list_contacts(&ListQuery::new().search("1391234")).await.unwrap();
    assert_eq!(found.data.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["李雷"]);
    let of_acme =
        rep.list_contacts(&ListQuery::new().param("customer_id", acme.to_string()).with_total()).await.unwrap();
    assert_eq!(of_acme.total_count, Some(2));

    let patch = UpdateContact { email: Some(None), title: Some(Some("CTO".into())), ..UpdateContact::default() };
    let stale = rep.update_contact(&li.id.to_string(), &patch, &WriteOptions::if_match(9)).await.unwrap_err();
    assert_eq!(stale.code(), Some(ErrorCode::PreconditionFailed));
    let li = rep.update_contact(&li.id.to_string(), &patch, &WriteOptions::if_match(li.version + 1)).await.unwrap();
    assert_eq!((li.email, li.title.as_deref()), (None, Some("CTO")));

    // Bad input, with pointers.
    let token = rep.token().unwrap();
    let post =
        |body: serde_json::Value| app.http.post(app.url("/api/v1/contacts")).bearer_auth(&token).json(&body).send();
    for (body, pointer, code) in [
        (json!({"customer_id": acme, "name": "X", "email": "nope"}), "/email", "invalid_email"),
        (json!({"customer_id": acme, "name": "X", "birthday": "2999-01-01"}), "/birthday", "in_future"),
        (json!({"customer_id": acme, "name": "X", "birthday": "someday"}), "/birthday", "invalid_value"),
        (json!({"customer_id": acme, "name": "X", "preferred_channel": "fax"}), "/preferred_channel", "invalid_value"),
        (json!({"customer_id": Uuid::now_v7(), "name": "X"}), "/customer_id", "not_found"),
        (json!({"name": "X"}), "/customer_id", "required"),
    ] {
        let problem = assert_problem(post(body.clone()).await.unwrap(), 422, "validation_failed").await;
        assert_eq!(
            (problem["errors"][0]["pointer"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some(pointer), Some(code)),
            "{body}"
        );
    }

    // Deleted with the usual soft delete; an admin restores.
    rep.delete_contact(&han.id.to_string(), &opts).await.unwrap();
    assert_eq!(rep.get_contact(&han.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    admin.restore_contact(&han.id.to_string()).await.unwrap();
    assert_eq!(rep.get_contact(&han.id.to_string()).await.unwrap().name, "韩梅梅");

    // A contact goes with its customer: another rep sees nothing; a service agent reads only.
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    assert_eq!(other.get_contact(&li.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(other.list_contacts(&ListQuery::new().with_total()).await.unwrap().total_count, Some(0));
    let err = other.create_contact(&contact(acme, "Spy"), &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    assert_eq!(agent.get_contact(&li.id.to_string()).await.unwrap().name, "李雷");
    let err = agent.create_contact(&contact(acme, "Nope"), &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    // A deleted customer takes its contacts out of sight.
    rep.delete_customer(&acme.to_string(), &opts).await.unwrap();
    assert_eq!(rep.get_contact(&li.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    app.stop().await;
}

#[actix_web::test]
async fn activities_make_the_timeline_and_the_reps_day() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep_id, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let acme = customer(&rep, "ACME").await;
    let other_customer = customer(&rep, "Other").await;
    assert!(rep.get_customer(&acme.to_string()).await.unwrap().last_activity_at.is_none());
    let li = rep.create_contact(&contact(acme, "李雷"), &opts).await.unwrap();
    let stranger = rep.create_contact(&contact(other_customer, "Stranger"), &opts).await.unwrap();

    // A call is done when logged, and the customer's last activity follows.
    let call = rep
        .create_activity(&CreateActivity { contact_id: Some(li.id), ..activity("call", acme, "Intro call") }, &opts)
        .await
        .unwrap();
    assert_eq!((call.kind, call.owner_id), (ActivityKind::Call, rep_id));
    let done_at = call.done_at.unwrap();
    let acme_now = rep.get_customer(&acme.to_string()).await.unwrap();
    assert_eq!(acme_now.last_activity_at, Some(done_at));
    // Logging an activity is not an edit of the customer: its version stays.
    assert_eq!(acme_now.version, 1);

    // Tasks need a due time and start open.
    let token = rep.token().unwrap();
    let resp = app
        .http
        .post(app.url("/api/v1/activities"))
        .bearer_auth(&token)
        .json(&json!({"kind": "task", "customer_id": acme, "subject": "Send brochure"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["pointer"], "/due_at");
    let today = chrono::Utc::now();
    let due_soon =
        CreateActivity { due_at: Some(today + chrono::Duration::hours(2)), ..activity("task", acme, "Send brochure") };
    let task = rep.create_activity(&due_soon, &opts).await.unwrap();
    assert!(task.done_at.is_none());
    let later =
        CreateActivity { due_at: Some(today + chrono::Duration::days(5)), ..activity("task", acme, "Follow up") };
    rep.create_activity(&later, &opts).await.unwrap();

    // My day: open tasks due by tonight.
    let tonight = (today + chrono::Duration::hours(12)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let day = ListQuery::new()
        .param("owner_id", "me")
        .param("done", "false")
        .param("due[lte]", tonight.clone())
        .sort("due_at");
    let mine = rep.list_activities(&day).await.unwrap();
    assert_eq!(mine.data.iter().map(|a| a.subject.as_str()).collect::<Vec<_>>(), ["Send brochure"]);

    // Completing it makes it done, takes it off the day and moves the last activity.
    let completed = rep.complete_activity(&task.id.to_string()).await.unwrap();
    assert!(completed.done_at.is_some());
    assert!(rep.list_activities(&day).await.unwrap().data.is_empty());
    let after = rep.get_customer(&acme.to_string()).await.unwrap().last_activity_at.unwrap();
    assert_eq!(after, completed.done_at.unwrap());
    // Reopening puts it back; a call cannot be reopened.
    let reopen = UpdateActivity { done_at: Some(None), ..UpdateActivity::default() };
    rep.update_activity(&task.id.to_string(), &reopen, &WriteOptions::if_match(completed.version)).await.unwrap();
    assert_eq!(rep.list_activities(&day).await.unwrap().data.len(), 1);
    let err = rep.update_activity(&call.id.to_string(), &reopen, &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    // Deleting the latest done activity moves the last activity back.
    rep.delete_activity(&task.id.to_string(), &opts).await.unwrap();
    assert_eq!(rep.get_customer(&acme.to_string()).await.unwrap().last_activity_at, Some(done_at));

    // Links are checked.
    for (body, pointer, code) in [
        (
            CreateActivity { contact_id: Some(stranger.id), ..activity("note", acme, "x") },
            "/contact_id",
            "wrong_customer",
        ),
        (CreateActivity { lead_id: Some(Uuid::now_v7()), ..activity("note", acme, "x") }, "/lead_id", "not_found"),
        (activity("note", Uuid::now_v7(), "x"), "/customer_id", "not_found"),
    ] {
        let err = rep.create_activity(&body, &opts).await.unwrap_err();
        let kehu_client::ClientError::Api(problem) = err else { panic!("{err}") };
        assert_eq!((problem.errors[0].pointer.as_str(), problem.errors[0].code.as_str()), (pointer, code));
    }

    // The timeline, newest first, for whoever sees the customer; a service agent may log too.
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    agent.create_activity(&activity("call", acme, "Service call about the invoice"), &opts).await.unwrap();
    let timeline = rep
        .list_activities(&ListQuery::new().param("customer_id", acme.to_string()).sort("-created_at"))
        .await
        .unwrap();
    let subjects: Vec<&str> = timeline.data.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects, ["Service call about the invoice", "Follow up", "Intro call"]);
    // Only its owner or the customer's keepers change an activity.
    let err = agent.delete_activity(&call.id.to_string(), &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    assert_eq!(other.get_activity(&call.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));

    // The 360 view in one call.
    let overview = rep.customer_overview(&acme.to_string()).await.unwrap();
    assert_eq!(overview.customer.id, acme);
    assert_eq!(overview.contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["李雷"]);
    assert_eq!(overview.latest_activities.first().unwrap().subject, "Service call about the invoice");
    assert_eq!((overview.counts.contacts, overview.counts.open_tasks, overview.open_items), (1, 1, 1));
    assert!(overview.lifetime_revenue.is_empty() && overview.balance_due.is_empty());
    assert_eq!(other.customer_overview(&acme.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));

    // Through an API key, each part (its records and its counts alike) needs the part's read scope.
    let key = |scopes: &[&str]| {
        let body = CreateApiKey {
            name: scopes.join(" "),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires_at: None,
        };
        let rep = rep.clone();
        let base = app.base.clone();
        async move {
            let created = rep.create_api_key(&body, &WriteOptions::default()).await.unwrap();
            Client::new(&base).unwrap().with_token(created.secret)
        }
    };
    let narrow = key(&["customers:read"]).await.customer_overview(&acme.to_string()).await.unwrap();
    assert!(narrow.contacts.is_empty() && narrow.latest_activities.is_empty());
    assert_eq!((narrow.counts, narrow.open_items), (RelatedCounts::default(), 0));
    let with_contacts =
        key(&["customers:read", "contacts:read"]).await.customer_overview(&acme.to_string()).await.unwrap();
    assert_eq!((with_contacts.contacts.len(), with_contacts.counts.contacts), (1, 1));
    assert!(with_contacts.latest_activities.is_empty());
    assert_eq!((with_contacts.counts.open_tasks, with_contacts.open_items), (0, 0));
    app.stop().await;
}
