//! Customers: every endpoint's success path and its bad inputs, search, filters and sorts, the
//! pool (claim, release, cap), assignment and the bulk reassignment, soft delete and restore.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::customer::{AssignCustomer, CreateCustomer, CustomerLevel, ReassignCustomers, UpdateCustomer};
use kehu_core::team::CreateTeam;
use kehu_core::user::Role;
use serde_json::json;

fn named(name: &str) -> CreateCustomer {
    CreateCustomer { name: name.to_owned(), ..CreateCustomer::default() }
}

#[actix_web::test]
async fn a_customer_is_created_read_changed_and_audited() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let resp = app
        .http
        .post(app.url("/api/v1/customers"))
        .bearer_auth(&token)
        .json(&json!({
            "name": " 华为技术有限公司 ", "kind": "company", "industry": "Telecom", "level": "a",
            "lifecycle_stage": "active", "source": "trade_show", "phone": "+86 755 2878 0808",
            "email": "Contact@Huawei.com", "website": "https://www.huawei.com",
            "address": {"country": "CN", "province": "广东", "city": "深圳", "street": "坂田"},
            "tax_id": "914403001922038216", "credit_rating": "AAA", "tags": ["vip", " vip ", "华南"],
            "external_id": "erp-1"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers().get("etag").unwrap(), "\"1\"");
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let body: serde_json::Value = resp.json().await.unwrap();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/customers/{id}"));
    assert_eq!(body["object"], "customer");
    assert_eq!(body["name"], "华为技术有限公司");
    assert_eq!(body["tags"], json!(["vip", "华南"]));
    assert_eq!(body["address"]["city"], "深圳");
    assert_eq!(body["address"]["postcode"], serde_json::Value::Null);
    assert_eq!(body["owner_id"], admin.me().await.unwrap().id.to_string());
    assert_eq!(body["value_tier"], serde_json::Value::Null);
    assert_eq!(body["last_activity_at"], serde_json::Value::Null);
    assert_eq!(body["custom_fields"], json!({}));
    for field in ["created_at", "updated_at", "created_by", "updated_by", "version"] {
        assert!(!body[field].is_null(), "{field}");
    }

    let got = admin.get_customer(&id).await.unwrap();
    assert_eq!(got.level, Some(CustomerLevel::A));
    // Merge patch: absent stays, null clears, values replace.
    let patch = UpdateCustomer {
        industry: Some(None),
        level: Some(Some(CustomerLevel::B)),
        tags: Some(vec!["key account".to_owned()]),
        ..UpdateCustomer::default()
    };
    let stale = admin.update_customer(&id, &patch, &WriteOptions::if_match(7)).await.unwrap_err();
    assert_eq!(stale.code(), Some(ErrorCode::PreconditionFailed));
    let changed = admin.update_customer(&id, &patch, &WriteOptions::if_match(1)).await.unwrap();
    assert_eq!((changed.version, changed.industry.as_deref(), changed.level), (2, None, Some(CustomerLevel::B)));
    assert_eq!(changed.phone.as_deref(), Some("+86 755 2878 0808"));
    assert_eq!(changed.tags, ["key account"]);
    // Tags are filterable as replaced.
    let tagged = admin.list_customers(&ListQuery::new().param("tags", "vip")).await.unwrap();
    assert!(tagged.data.is_empty());
    let tagged = admin.list_customers(&ListQuery::new().param("tags", "key account,other")).await.unwrap();
    assert_eq!(tagged.data.len(), 1);

    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", id.clone()))
        .await
        .unwrap();
    assert_eq!(history.data.len(), 2);
    let update = &history.data[1];
    let industry = update.changes.iter().find(|c| c.field == "industry").unwrap();
    assert_eq!((industry.before.clone(), industry.after.clone()), (json!("Telecom"), serde_json::Value::Null));

    // Events for webhooks were written with the changes.
    let mut conn = app.store().conn().unwrap();
    let events = kehu_store::outbox::for_entity(&mut conn, "customer", id.parse().unwrap()).unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["customer.created", "customer.updated"]);
    drop(conn);

    // A second customer may not take the first one's external id.
    let dup = CreateCustomer { external_id: Some("erp-1".into()), ..named("Other") };
    let err = admin.create_customer(&dup, &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    app.stop().await;
}

#[actix_web::test]
async fn bad_customer_input_is_refused_with_pointers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let post =
        |body: serde_json::Value| app.http.post(app.url("/api/v1/customers")).bearer_auth(&token).json(&body).send();
    let cases = [
        (json!({"industry": "x"}), 422, "validation_failed", "/name", "required"),
        (json!({"name": "  "}), 422, "validation_failed", "/name", "required"),
        (json!({"name": "A", "email": "not-an-email"}), 422, "validation_failed", "/email", "invalid_email"),
        (json!({"name": "A", "phone": "call me"}), 422, "validation_failed", "/phone", "invalid_phone"),
        (json!({"name": "A", "level": "z"}), 422, "validation_failed", "/level", "invalid_value"),
        (
            json!({"name": "A", "lifecycle_stage": "dead"}),
            422,
            "validation_failed",
            "/lifecycle_stage",
            "invalid_value",
        ),
        (json!({"name": "A", "tags": ["ok", 5]}), 422, "validation_failed", "/tags/1", "invalid_value"),
        (json!({"name": "A", "owner": "me"}), 400, "unknown_field", "/owner", "unknown_field"),
        (json!({"name": "A", "address": {"town": "x"}}), 400, "unknown_field", "/address/town", "unknown_field"),
        (
            json!({"name": "A", "custom_fields": {"budget": 5}}),
            422,
            "validation_failed",
            "/custom_fields/budget",
            "unknown_custom_field",
        ),
        (json!({"name": "A", "value_tier": "key"}), 400, "unknown_field", "/value_tier", "unknown_field"),
        (
            json!({"name": "A", "owner_id": "0197e4a0-0000-7000-8000-000000000000"}),
            422,
            "validation_failed",
            "/owner_id",
            "not_found",
        ),
    ];
    for (body, status, code, pointer, field_code) in cases {
        let problem = assert_problem(post(body.clone()).await.unwrap(), status, code).await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["pointer"] == pointer && e["code"] == field_code),
            "{body}: expected {pointer} {field_code} in {problem}"
        );
    }
    // Nothing was written by any of them.
    let all = admin.list_customers(&ListQuery::new().with_total()).await.unwrap();
    assert_eq!(all.total_count, Some(0));

    // Lists refuse what they do not know.
    for query in ["level=e", "owner_id=someone", "colour=red", "sort=phone", "created_at[gte]=yesterday", "limit=0"] {
        let resp =
            app.http.get(app.url(&format!("/api/v1/customers?{query}"))).bearer_auth(&token).send().await.unwrap();
        assert_problem(resp, 400, "invalid_parameter").await;
    }
    app.stop().await;
}

#[actix_web::test]
async fn search_finds_chinese_and_latin_substrings_phones_and_tax_ids() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let huawei = CreateCustomer { phone: Some("138-0013-8000".into()), ..named("华为技术有限公司") };
    admin.create_customer(&huawei, &opts).await.unwrap();
    let acme = CreateCustomer {
        email: Some("sales@acme.example".into()),
        tax_id: Some("US-77-123".into()),
        ..named("ACME Trading")
    };
    admin.create_customer(&acme, &opts).await.unwrap();
    admin.create_customer(&named("100% Pure_Water"), &opts).await.unwrap();
    let names = |q: &'static str| {
        let admin = admin.clone();
        async move {
            let mut names: Vec<String> = admin
                .list_customers(&ListQuery::new().search(q))
                .await
                .unwrap()
                .data
                .into_iter()
                .map(|c| c.name)
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(names("华为").await, ["华为技术有限公司"]);
    assert_eq!(names("技术").await, ["华为技术有限公司"]);
    assert_eq!(names("Acme").await, ["ACME Trading"]);
    assert_eq!(names("acme trad").await, ["ACME Trading"]);
    assert_eq!(names("138").await, ["华为技术有限公司"]);
    assert_eq!(names("138 0013").await, ["华为技术有限公司"]);
    assert_eq!(names("us-77").await, ["ACME Trading"]);
    assert_eq!(names("SALES@ACME").await, ["ACME Trading"]);
    // LIKE wildcards in the query are taken literally.
    assert_eq!(names("100%").await, ["100% Pure_Water"]);
    assert_eq!(names("e_w").await, ["100% Pure_Water"]);
    assert!(names("%").await.len() == 1);
    assert!(names("微软").await.is_empty());
    app.stop().await;
}

#[actix_web::test]
async fn lists_filter_sort_and_page_without_repeats() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep, rep_client) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    for i in 0..12 {
        let body = CreateCustomer {
            level: Some(if i % 3 == 0 { CustomerLevel::A } else { CustomerLevel::C }),
            owner_id: Some(match i % 4 {
                0 => None,
                1 => Some(rep),
                _ => Some(admin.me().await.unwrap().id),
            }),
            tags: if i == 5 { vec!["expo".into()] } else { vec![] },
            ..named(&format!("Customer {:02}", (i * 7) % 12))
        };
        admin.create_customer(&body, &opts).await.unwrap();
    }
    let count = |q: ListQuery| {
        let admin = admin.clone();
        async move { admin.list_customers(&q.with_total()).await.unwrap().total_count.unwrap() }
    };
    assert_eq!(count(ListQuery::new()).await, 12);
    assert_eq!(count(ListQuery::new().param("level", "a")).await, 4);
    assert_eq!(count(ListQuery::new().param("level", "a,c")).await, 12);
    assert_eq!(count(ListQuery::new().param("owner_id", "none")).await, 3);
    assert_eq!(count(ListQuery::new().param("owner_id", rep.to_string())).await, 3);
    assert_eq!(count(ListQuery::new().param("owner_id", format!("{rep},none"))).await, 6);
    assert_eq!(count(ListQuery::new().param("owner_id", "me")).await, 6);
    assert_eq!(count(ListQuery::new().param("tags", "expo")).await, 1);
    let two: Vec<String> =
        admin.list_customers(&ListQuery::new().limit(2)).await.unwrap().data.iter().map(|c| c.id.to_string()).collect();
    assert_eq!(count(ListQuery::new().param("id", two.join(","))).await, 2);
    assert_eq!(count(ListQuery::new().param("created_at[gte]", "2000-01-01")).await, 12);
    assert_eq!(count(ListQuery::new().param("created_at[lte]", "2000-01-01")).await, 0);
    // The rep's `me` is the rep.
    let mine = rep_client.list_customers(&ListQuery::new().param("owner_id", "me").with_total()).await.unwrap();
    assert_eq!(mine.total_count, Some(3));

    for sort in ["name", "-name", "created_at", "-updated_at", "last_activity_at", "-last_activity_at"] {
        let mut seen = Vec::new();
        let mut query = ListQuery::new().sort(sort).limit(5);
        loop {
            let page = admin.list_customers(&query).await.unwrap();
            seen.extend(page.data.iter().map(|c| (c.id, c.name.clone())));
            match page.next_cursor {
                Some(c) => query = ListQuery::new().sort(sort).limit(5).cursor(c),
                None => break,
            }
        }
        let ids: HashSet<_> = seen.iter().map(|(id, _)| *id).collect();
        assert_eq!((seen.len(), ids.len()), (12, 12), "{sort}");
        if sort == "name" {
            let names: Vec<&str> = seen.iter().map(|(_, n)| n.as_str()).collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted);
        }
    }
    app.stop().await;
}

#[actix_web::test]
async fn reps_claim_from_the_pool_within_their_cap_and_release() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep, rep_client) = app.user(&admin, "rep@example.com", Role::Sales, None, Some(2)).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    let opts = WriteOptions::default();
    let mut pool = Vec::new();
    for i in 0..3 {
        let body = CreateCustomer { owner_id: Some(None), ..named(&format!("Pool {i}")) };
        pool.push(admin.create_customer(&body, &opts).await.unwrap().id.to_string());
    }
    // The pool is visible to reps, but edited only after claiming.
    let pooled = rep_client.list_customers(&ListQuery::new().param("owner_id", "none").with_total()).await.unwrap();
    assert_eq!(pooled.total_count, Some(3));
    let patch = UpdateCustomer { industry: Some(Some("x".into())), ..Default::default() };
    let err = rep_client.update_customer(&pool[0], &patch, &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));

    let claimed = rep_client.claim_customer(&pool[0]).await.unwrap();
    assert_eq!(claimed.owner_id, Some(rep));
    // A retried claim is harmless; someone else's claim is refused, and the customer has left
    // the pool for everyone else.
    assert_eq!(rep_client.claim_customer(&pool[0]).await.unwrap().version, claimed.version);
    let err = other.get_customer(&pool[0]).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NotFound));
    let err = admin.claim_customer(&pool[0]).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NotInPool));
    let err = agent.claim_customer(&pool[1]).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));

    rep_client.claim_customer(&pool[1]).await.unwrap();
    let token = rep_client.token().unwrap();
    let resp = app
        .http
        .post(app.url(&format!("/api/v1/customers/{}/claim", pool[2])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 409, "pool_cap_reached").await;
    assert!(problem["detail"].as_str().unwrap().contains('2'));

    // Releasing makes room again.
    let released = rep_client.release_customer(&pool[0]).await.unwrap();
    assert_eq!(released.owner_id, None);
    rep_client.claim_customer(&pool[2]).await.unwrap();
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", pool[0].clone()))
        .await
        .unwrap();
    let actions: Vec<String> = history.data.iter().map(|e| format!("{:?}", e.action)).collect();
    assert_eq!(actions, ["Create", "Assign", "Assign"]);
    app.stop().await;
}

#[actix_web::test]
async fn managers_assign_within_their_teams_and_reassign_a_leaving_reps_customers_at_once() {
    // A thousand creates in a few seconds is far above the default per-caller rate.
    let app = TestApp::spawn_with(&[("KEHU_RATE_LIMIT_PER_MINUTE", "1000000")]).await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let east =
        admin.create_team(&CreateTeam { name: "East".into(), parent_id: None, manager_id: None }, &opts).await.unwrap();
    let west =
        admin.create_team(&CreateTeam { name: "West".into(), parent_id: None, manager_id: None }, &opts).await.unwrap();
    let (_, manager) = app.user(&admin, "boss@example.com", Role::Manager, Some(east.id), None).await;
    let (leaver, leaver_client) = app.user(&admin, "leaver@example.com", Role::Sales, Some(east.id), None).await;
    let (heir, heir_client) = app.user(&admin, "heir@example.com", Role::Sales, Some(east.id), None).await;
    let (outsider, _) = app.user(&admin, "west@example.com", Role::Sales, Some(west.id), None).await;

    // One customer, assigned by hand.
    let one = leaver_client.create_customer(&named("Single"), &opts).await.unwrap();
    let err =
        leaver_client.assign_customer(&one.id.to_string(), &AssignCustomer { owner_id: Some(heir) }).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    let err =
        manager.assign_customer(&one.id.to_string(), &AssignCustomer { owner_id: Some(outsider) }).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    let moved = manager.assign_customer(&one.id.to_string(), &AssignCustomer { owner_id: Some(heir) }).await.unwrap();
    assert_eq!(moved.owner_id, Some(heir));
    manager.assign_customer(&one.id.to_string(), &AssignCustomer { owner_id: Some(leaver) }).await.unwrap();

    // A thousand more, made in parallel batches.
    let n = 1000;
    for batch in 0..(n / 50) {
        let calls = (0..50).map(|i| {
            let c = leaver_client.clone();
            async move {
                c.create_customer(&named(&format!("Bulk {batch:02}-{i:02}")), &WriteOptions::default()).await.unwrap()
            }
        });
        futures_util::future::join_all(calls).await;
    }
    let held = |c: Client, owner: uuid::Uuid| async move {
        c.list_customers(&ListQuery::new().param("owner_id", owner.to_string()).with_total())
            .await
            .unwrap()
            .total_count
            .unwrap()
    };
    assert_eq!(held(admin.clone(), leaver).await, n + 1);

    let body = ReassignCustomers { from_owner_id: leaver, to_owner_id: Some(heir) };
    let err = heir_client.reassign_customers(&body, &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    let err = manager
        .reassign_customers(&ReassignCustomers { from_owner_id: leaver, to_owner_id: Some(outsider) }, &opts)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    let done = manager.reassign_customers(&body, &WriteOptions::idempotent("leaver-exit")).await.unwrap();
    assert_eq!(done.count, n + 1);
    assert_eq!(held(admin.clone(), leaver).await, 0);
    assert_eq!(held(admin.clone(), heir).await, n + 1);
    // A retry is a replay, not a second run.
    let again = manager.reassign_customers(&body, &WriteOptions::idempotent("leaver-exit")).await.unwrap();
    assert_eq!(again, done);

    // Audited per customer, with an event per customer.
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", one.id.to_string()))
        .await
        .unwrap();
    let last = history.data.last().unwrap();
    assert_eq!(last.changes[0].field, "owner_id");
    assert_eq!(last.changes[0].after, json!(heir.to_string()));
    let mut conn = app.store().conn().unwrap();
    let events = kehu_store::outbox::for_entity(&mut conn, "customer", one.id).unwrap();
    assert_eq!(events.iter().filter(|e| e.event_type == "customer.assigned").count(), 3);
    app.stop().await;
}

#[actix_web::test]
async fn deleted_customers_vanish_until_an_admin_restores_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let c = rep.create_customer(&named("Short-lived"), &WriteOptions::default()).await.unwrap();
    let id = c.id.to_string();
    let err = rep.delete_customer(&id, &WriteOptions::if_match(9)).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::PreconditionFailed));
    rep.delete_customer(&id, &WriteOptions::if_match(1)).await.unwrap();
    assert_eq!(rep.get_customer(&id).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    assert_eq!(admin.get_customer(&id).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    let listed = admin.list_customers(&ListQuery::new().with_total()).await.unwrap();
    assert_eq!(listed.total_count, Some(0));
    assert_eq!(rep.restore_customer(&id).await.unwrap_err().code(), Some(ErrorCode::Forbidden));
    let back = admin.restore_customer(&id).await.unwrap();
    assert_eq!(back.name, "Short-lived");
    assert_eq!(rep.get_customer(&id).await.unwrap().id, c.id);
    app.stop().await;
}

#[actix_web::test]
async fn a_retry_while_the_first_request_runs_is_told_to_wait() {
    use sha2::Digest;
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let me = admin.me().await.unwrap().id;
    // The first request has claimed its key and not finished yet: its claim is in the table, with
    // the fingerprint of the same request (method, path and canonical body).
    let body = serde_json::to_string(&named("Slow Ltd")).unwrap();
    let fingerprint = sha2::Sha256::digest(format!("POST /api/v1/customers\n{body}").as_bytes());
    let fingerprint: String = fingerprint.iter().map(|b| format!("{b:02x}")).collect();
    let mut conn = app.store().conn().unwrap();
    kehu_store::idempotency::claim(&mut conn, me, "in-flight", &fingerprint, app.clock.now()).unwrap();
    drop(conn);
    let err = admin.create_customer(&named("Slow Ltd"), &WriteOptions::idempotent("in-flight")).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RequestInFlight));
    assert_eq!(admin.list_customers(&ListQuery::new().with_total()).await.unwrap().total_count, Some(0));
    // A claim whose request died long ago is taken over.
    app.clock.advance(chrono::Duration::minutes(5));
    let made = admin.create_customer(&named("Slow Ltd"), &WriteOptions::idempotent("in-flight")).await.unwrap();
    assert_eq!(made.name, "Slow Ltd");
    app.stop().await;
}

#[actix_web::test]
async fn idempotent_creates_and_read_only_keys() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let key_opts = WriteOptions::idempotent("create-once");
    let first = admin.create_customer(&named("Once"), &key_opts).await.unwrap();
    let second = admin.create_customer(&named("Once"), &key_opts).await.unwrap();
    assert_eq!(first.id, second.id);
    let err = admin.create_customer(&named("Twice"), &key_opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::IdempotencyKeyReused));
    assert_eq!(admin.list_customers(&ListQuery::new().with_total()).await.unwrap().total_count, Some(1));

    let key = admin
        .create_api_key(
            &kehu_core::api_key::CreateApiKey {
                name: "reader".into(),
                scopes: vec!["customers:read".into()],
                expires_at: None,
            },
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    let reader = Client::new(&app.base).unwrap().with_token(key.secret);
    assert_eq!(reader.get_customer(&first.id.to_string()).await.unwrap().name, "Once");
    let err = reader.create_customer(&named("Nope"), &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InsufficientScope));
    let err = reader.delete_customer(&first.id.to_string(), &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InsufficientScope));
    app.stop().await;
}

#[actix_web::test]
async fn look_alike_customers_are_flagged_and_merged() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep_id, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let original = CreateCustomer {
        phone: Some("+86 138 0013 8000".into()),
        tags: vec!["vip".into()],
        ..named("ACME Trading Co., Ltd.")
    };
    let survivor = rep.create_customer(&original, &opts).await.unwrap();

    // Same company, written differently: a 409 listing the candidate and what matched.
    let token = rep.token().unwrap();
    let resp = app
        .http
        .post(app.url("/api/v1/customers"))
        .bearer_auth(&token)
        .json(&json!({"name": "acme trading", "phone": "13800138000", "email": "buy@acme.example"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 409, "possible_duplicate").await;
    assert_eq!(problem["duplicates"][0]["id"], survivor.id.to_string());
    assert_eq!(problem["duplicates"][0]["matched_on"], json!(["name", "phone"]));
    // Another rep does not see the first one's customer, so nothing is flagged for them, and
    // nothing about it leaks.
    let theirs = other.create_customer(&named("ACME Trading"), &opts).await.unwrap();
    // Insisting creates it.
    let body = CreateCustomer {
        allow_duplicate: true,
        email: Some("buy@acme.example".into()),
        tags: vec!["expo".into()],
        ..named("acme trading")
    };
    let duplicate = rep.create_customer(&body, &opts).await.unwrap();
    let call: kehu_core::activity::CreateActivity =
        serde_json::from_value(json!({"kind": "call", "subject": "Called the duplicate", "customer_id": duplicate.id}))
            .unwrap();
    rep.create_activity(&call, &opts).await.unwrap();
    let person: kehu_core::contact::CreateContact =
        serde_json::from_value(json!({"customer_id": duplicate.id, "name": "王五", "is_primary": true})).unwrap();
    let person = rep.create_contact(&person, &opts).await.unwrap();

    // Merging: the duplicate's contact, activity, email and tags move over; it is gone after.
    let merge = kehu_core::customer::MergeCustomers { duplicate_id: duplicate.id };
    let err = other.get_customer(&survivor.id.to_string()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NotFound));
    let cross = kehu_core::customer::MergeCustomers { duplicate_id: theirs.id };
    let err = merge_customers(&rep, survivor.id, &cross).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NotFound));
    let merged = merge_customers(&rep, survivor.id, &merge).await.unwrap();
    assert_eq!(merged.email.as_deref(), Some("buy@acme.example"));
    assert_eq!(merged.tags, ["vip", "expo"]);
    assert_eq!(merged.owner_id, Some(rep_id));
    assert!(merged.last_activity_at.is_some());
    assert_eq!(rep.get_contact(&person.id.to_string()).await.unwrap().customer_id, survivor.id);
    assert_eq!(rep.get_customer(&duplicate.id.to_string()).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    let overview = rep.customer_overview(&survivor.id.to_string()).await.unwrap();
    assert_eq!(overview.latest_activities[0].subject, "Called the duplicate");
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", duplicate.id.to_string()))
        .await
        .unwrap();
    assert!(history.data.last().unwrap().changes.iter().any(|c| c.field == "merged_into"));
    // The survivor's entry says what came over, per kind of record the duplicate owned.
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", survivor.id.to_string()))
        .await
        .unwrap();
    let merged_from = history.data.iter().flat_map(|e| &e.changes).find(|c| c.field == "merged_from").unwrap();
    assert_eq!(
        merged_from.after,
        json!({"customer_id": duplicate.id, "contacts_moved": 1, "activities_moved": 1, "leads_moved": 0,
               "quotes_moved": 0, "purchases_moved": 0, "complaints_moved": 0})
    );
    app.stop().await;
}

async fn merge_customers(
    client: &Client,
    id: uuid::Uuid,
    body: &kehu_core::customer::MergeCustomers,
) -> Result<kehu_core::customer::Customer, kehu_client::ClientError> {
    client.merge_customer(&id.to_string(), body).await
}

#[actix_web::test]
async fn custom_fields_are_defined_in_settings_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let settings = rep.settings().await.unwrap();
    assert_eq!((settings.version, settings.pool_recycle_days), (0, None));
    let patch: kehu_core::settings::UpdateSettings = serde_json::from_value(json!({
        "pool_recycle_days": 30,
        "custom_fields": {"customers": [
            {"name": "budget", "label": "Budget", "kind": "number"},
            {"name": "region", "label": "Region", "kind": "select", "required": true, "options": ["north", "south"]}
        ]}
    }))
    .unwrap();
    let err = rep.update_settings(&patch, &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    let saved = admin.update_settings(&patch, &WriteOptions::if_match(0)).await.unwrap();
    assert_eq!((saved.version, saved.pool_recycle_days), (1, Some(30)));
    let err = admin.update_settings(&patch, &WriteOptions::if_match(0)).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::PreconditionFailed));

    let token = rep.token().unwrap();
    let post =
        |body: serde_json::Value| app.http.post(app.url("/api/v1/customers")).bearer_auth(&token).json(&body).send();
    for (body, pointer, code) in [
        (
            json!({"name": "A", "custom_fields": {"region": "north", "budget": "lots"}}),
            "/custom_fields/budget",
            "invalid_type",
        ),
        (json!({"name": "A", "custom_fields": {"region": "west"}}), "/custom_fields/region", "invalid_type"),
        (json!({"name": "A"}), "/custom_fields/region", "required"),
        (
            json!({"name": "A", "custom_fields": {"region": "north", "colour": "red"}}),
            "/custom_fields/colour",
            "unknown_custom_field",
        ),
    ] {
        let problem = assert_problem(post(body.clone()).await.unwrap(), 422, "validation_failed").await;
        assert_eq!(
            (problem["errors"][0]["pointer"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some(pointer), Some(code)),
            "{body}"
        );
    }
    let resp = post(json!({"name": "A", "custom_fields": {"region": "north", "budget": 1200.5}})).await.unwrap();
    assert_eq!(resp.status(), 201);
    let created: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(created["custom_fields"], json!({"region": "north", "budget": 1200.5}));
    // A patch merges values; a required one cannot be cleared.
    let id = created["id"].as_str().unwrap();
    let clear: UpdateCustomer = serde_json::from_value(json!({"custom_fields": {"region": null}})).unwrap();
    let err = rep.update_customer(id, &clear, &WriteOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    let drop_budget: UpdateCustomer = serde_json::from_value(json!({"custom_fields": {"budget": null}})).unwrap();
    let changed = rep.update_customer(id, &drop_budget, &WriteOptions::default()).await.unwrap();
    assert_eq!(serde_json::Value::Object(changed.custom_fields), json!({"region": "north"}));
    app.stop().await;
}

#[actix_web::test]
async fn idle_customers_return_to_the_pool_after_the_configured_days() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep_id, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let idle = rep.create_customer(&named("Forgotten Ltd"), &opts).await.unwrap();
    let busy = rep.create_customer(&named("Busy Ltd"), &opts).await.unwrap();
    let now = kehu_store::now();
    let mut conn = app.store().conn().unwrap();
    // Without a setting nothing moves, however long it has been.
    assert_eq!(
        kehu_app::pool::recycle(&mut conn, &kehu_app::Context::system_at("test", now + chrono::Duration::days(999)))
            .unwrap(),
        0
    );

    let patch: kehu_core::settings::UpdateSettings = serde_json::from_value(json!({"pool_recycle_days": 30})).unwrap();
    admin.update_settings(&patch, &opts).await.unwrap();
    // Twenty days on, the busy customer gets a visit; ten days after that (thirty in all) only the
    // other one is idle.
    let visit: kehu_core::activity::CreateActivity = serde_json::from_value(json!({
        "kind": "visit", "subject": "Visit", "customer_id": busy.id,
        "done_at": (chrono::Utc::now() + chrono::Duration::days(20)).to_rfc3339()
    }))
    .unwrap();
    rep.create_activity(&visit, &opts).await.unwrap();
    assert_eq!(
        kehu_app::pool::recycle(&mut conn, &kehu_app::Context::system_at("test", now + chrono::Duration::days(29)))
            .unwrap(),
        0
    );
    assert_eq!(
        kehu_app::pool::recycle(&mut conn, &kehu_app::Context::system_at("test", now + chrono::Duration::days(31)))
            .unwrap(),
        1
    );
    // A second run (another instance, say) finds nothing more to do.
    assert_eq!(
        kehu_app::pool::recycle(&mut conn, &kehu_app::Context::system_at("test", now + chrono::Duration::days(31)))
            .unwrap(),
        0
    );
    drop(conn);

    assert_eq!(rep.get_customer(&busy.id.to_string()).await.unwrap().owner_id, Some(rep_id));
    let back = rep.get_customer(&idle.id.to_string()).await.unwrap();
    assert_eq!(back.owner_id, None);
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", idle.id.to_string()))
        .await
        .unwrap();
    let last = history.data.last().unwrap();
    assert_eq!(last.actor_id, None);
    assert_eq!(last.changes[1].after, json!("no activity for 30 days"));
    // Claiming it again starts the clock over.
    rep.claim_customer(&idle.id.to_string()).await.unwrap();
    let mut conn = app.store().conn().unwrap();
    assert_eq!(
        kehu_app::pool::recycle(
            &mut conn,
            &kehu_app::Context::system_at("test", kehu_store::now() + chrono::Duration::days(29))
        )
        .unwrap(),
        0
    );
    app.stop().await;
}
