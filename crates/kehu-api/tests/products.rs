//! Products: the catalog's success paths and bad inputs, unique SKUs (concurrent creates
//! included), who may change it and who sees costs, concurrency and idempotency, filters, sorts
//! and paging, and money that comes back exactly as it went in.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::{TestApp, assert_problem};
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::product::{CreateProduct, UpdateProduct};
use kehu_core::user::Role;
use serde_json::{Value, json};

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn product(sku: &str, name: &str, currency: &str, price: &str) -> CreateProduct {
    CreateProduct {
        sku: sku.to_owned(),
        name: name.to_owned(),
        unit: None,
        currency: currency.to_owned(),
        list_price: dec(price),
        cost: None,
        active: true,
    }
}

/// The problem's field errors as (pointer, code) pairs.
fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (e["pointer"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn sku_taken(problem: &Value) -> bool {
    fields(problem) == [("/sku".to_owned(), "taken".to_owned())]
}

#[actix_web::test]
async fn a_product_is_created_read_changed_deleted_and_restored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let resp = app
        .http
        .post(app.url("/api/v1/products"))
        .bearer_auth(&token)
        .json(&json!({
            "sku": " PUMP-100 ", "name": " 液压泵 Hydraulic pump ", "currency": "CNY",
            "list_price": "1999.9", "cost": "1200"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers().get("etag").unwrap(), "\"1\"");
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/products/{id}"));
    assert_eq!(body["object"], "product");
    assert_eq!((body["sku"].as_str(), body["name"].as_str()), (Some("PUMP-100"), Some("液压泵 Hydraulic pump")));
    // Money comes back at the currency's scale, as strings.
    assert_eq!((body["list_price"].clone(), body["cost"].clone()), (json!("1999.90"), json!("1200.00")));
    assert_eq!((body["unit"].clone(), body["active"].clone()), (json!("pcs"), json!(true)));
    let me = admin.me().await.unwrap().id.to_string();
    assert_eq!((body["created_by"].as_str(), body["updated_by"].as_str()), (Some(me.as_str()), Some(me.as_str())));
    for field in ["created_at", "updated_at", "version"] {
        assert!(!body[field].is_null(), "{field}");
    }

    let resp = app.http.get(app.url(&location)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.headers().get("etag").unwrap(), "\"1\"");
    let got = admin.get_product(&id).await.unwrap();
    assert_eq!((got.list_price.to_string(), got.currency.as_str()), ("1999.90".to_owned(), "CNY"));

    // Merge patch with If-Match: a stale version is refused with the current one.
    let patch = UpdateProduct {
        name: Some("液压泵 II".into()),
        unit: Some(Some("台".into())),
        cost: Some(None),
        active: Some(false),
        ..UpdateProduct::default()
    };
    let resp = app
        .http
        .patch(app.url(&location))
        .bearer_auth(&token)
        .header("If-Match", "\"7\"")
        .json(&patch)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 412, "precondition_failed").await;
    assert_eq!(problem["current_version"], 1);
    let changed = admin.update_product(&id, &patch, &WriteOptions::if_match(1)).await.unwrap();
    assert_eq!((changed.version, changed.name.as_str(), changed.unit.as_str()), (2, "液压泵 II", "台"));
    assert_eq!((changed.cost, changed.active, changed.list_price.to_string()), (None, false, "1999.90".into()));
    // Clearing the unit puts the default back.
    let reset = UpdateProduct { unit: Some(None), ..UpdateProduct::default() };
    assert_eq!(admin.update_product(&id, &reset, &WriteOptions::if_match(2)).await.unwrap().unit, "pcs");

    let err = admin.delete_product(&id, &WriteOptions::if_match(1)).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::PreconditionFailed));
    admin.delete_product(&id, &WriteOptions::if_match(3)).await.unwrap();
    assert_eq!(admin.get_product(&id).await.unwrap_err().code(), Some(ErrorCode::NotFound));
    let all = admin.list_products(&ListQuery::new().with_total()).await.unwrap();
    assert_eq!(all.total_count, Some(0));
    let restored = admin.restore_product(&id).await.unwrap();
    assert_eq!((restored.version, restored.sku.as_str()), (5, "PUMP-100"));
    assert_eq!(admin.get_product(&id).await.unwrap().name, "液压泵 II");

    // Every change is audited and announced, in its transaction.
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "product").param("entity_id", id.clone()))
        .await
        .unwrap();
    let actions: Vec<&str> = history.data.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "update", "delete", "restore"]);
    let cost = history.data[1].changes.iter().find(|c| c.field == "cost").unwrap();
    assert_eq!((cost.before.clone(), cost.after.clone()), (json!("1200.00"), Value::Null));
    let mut conn = app.store().conn().unwrap();
    let events = kehu_store::outbox::for_entity(&mut conn, "product", id.parse().unwrap()).unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["product.created", "product.updated", "product.updated", "product.deleted", "product.updated"]);
    let created: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!((created["sku"].clone(), created["cost"].clone()), (json!("PUMP-100"), json!("1200.00")));
    drop(conn);

    // A deleted product's SKU is free; the deleted one cannot come back while it is taken.
    admin.delete_product(&id, &WriteOptions::default()).await.unwrap();
    let again = admin.create_product(&product("pump-100", "New pump", "CNY", "1"), &WriteOptions::default()).await;
    assert_eq!(again.unwrap().sku, "pump-100");
    let resp = app.http.post(app.url(&format!("{location}/restore"))).bearer_auth(&token).send().await.unwrap();
    assert!(sku_taken(&assert_problem(resp, 409, "conflict").await));
    app.stop().await;
}

#[actix_web::test]
async fn bad_product_input_is_refused_with_pointers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let post = |body: Value| app.http.post(app.url("/api/v1/products")).bearer_auth(&token).json(&body).send();
    let base = json!({"sku": "A-1", "name": "Bolt", "currency": "CNY", "list_price": "1.00"});
    let with = |changes: Value| {
        let mut body = base.clone();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        body
    };
    let cases = [
        (with(json!({"name": null})), 422, "validation_failed", "/name", "required"),
        (with(json!({"name": "  "})), 422, "validation_failed", "/name", "required"),
        (with(json!({"sku": null})), 422, "validation_failed", "/sku", "required"),
        (with(json!({"sku": "x".repeat(65)})), 422, "validation_failed", "/sku", "too_long"),
        (with(json!({"unit": "u".repeat(21)})), 422, "validation_failed", "/unit", "too_long"),
        (with(json!({"list_price": null})), 422, "validation_failed", "/list_price", "required"),
        (with(json!({"price": "1"})), 400, "unknown_field", "/price", "unknown_field"),
        (with(json!({"version": 3})), 400, "unknown_field", "/version", "unknown_field"),
        (with(json!({"currency": "XYZ"})), 422, "validation_failed", "/currency", "unknown_currency"),
        (with(json!({"currency": "cny"})), 422, "validation_failed", "/currency", "unknown_currency"),
        (with(json!({"list_price": "19.999"})), 422, "validation_failed", "/list_price", "too_many_decimals"),
        (
            with(json!({"currency": "JPY", "list_price": "1500.5"})),
            422,
            "validation_failed",
            "/list_price",
            "too_many_decimals",
        ),
        (with(json!({"list_price": "-1"})), 422, "validation_failed", "/list_price", "negative"),
        (with(json!({"cost": "-0.01"})), 422, "validation_failed", "/cost", "negative"),
        (with(json!({"cost": "0.001"})), 422, "validation_failed", "/cost", "too_many_decimals"),
        (with(json!({"list_price": "1000000000000000"})), 422, "validation_failed", "/list_price", "too_large"),
        // Money is a decimal string, never a JSON number.
        (with(json!({"list_price": 19.9})), 422, "validation_failed", "/list_price", "invalid_value"),
        (with(json!({"list_price": "1e3"})), 422, "validation_failed", "/list_price", "invalid_value"),
        (with(json!({"active": "yes"})), 422, "validation_failed", "/active", "invalid_value"),
    ];
    for (body, status, code, pointer, field_code) in cases {
        let problem = assert_problem(post(body.clone()).await.unwrap(), status, code).await;
        assert!(
            fields(&problem).contains(&(pointer.to_owned(), field_code.to_owned())),
            "{body}: expected {pointer} {field_code} in {problem}"
        );
    }
    // Nothing was written by any of them.
    assert_eq!(admin.list_products(&ListQuery::new().with_total()).await.unwrap().total_count, Some(0));

    // A new currency comes with prices that suit it.
    let p = admin.create_product(&product("A-1", "Bolt", "CNY", "19.90"), &WriteOptions::default()).await.unwrap();
    let id = p.id.to_string();
    let patch =
        |body: Value| app.http.patch(app.url(&format!("/api/v1/products/{id}"))).bearer_auth(&token).json(&body).send();
    let problem = assert_problem(patch(json!({"currency": "JPY"})).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(fields(&problem), [("/list_price".to_owned(), "required".to_owned())]);
    let problem = assert_problem(
        patch(json!({"currency": "JPY", "list_price": "1500.5"})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), [("/list_price".to_owned(), "too_many_decimals".to_owned())]);
    let problem = assert_problem(patch(json!({"list_price": null})).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(fields(&problem)[0].0, "/list_price");
    assert_problem(patch(json!({"owner_id": null})).await.unwrap(), 400, "unknown_field").await;
    let resp = patch(json!({"currency": "JPY", "list_price": "1500"})).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!((body["currency"].clone(), body["list_price"].clone()), (json!("JPY"), json!("1500")));
    // Prices are checked in the product's currency when it does not change.
    let problem = assert_problem(patch(json!({"cost": "10.5"})).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(fields(&problem), [("/cost".to_owned(), "too_many_decimals".to_owned())]);

    // Lists refuse what they do not know.
    for query in ["active=maybe", "currency=XYZ", "colour=red", "sort=price", "sort=-cost", "limit=101", "cursor=x"] {
        let resp =
            app.http.get(app.url(&format!("/api/v1/products?{query}"))).bearer_auth(&token).send().await.unwrap();
        assert_problem(resp, 400, "invalid_parameter").await;
    }
    app.stop().await;
}

#[actix_web::test]
async fn skus_are_unique_in_any_case_even_when_created_at_once() {
    let app = TestApp::spawn_with(&[("KEHU_RATE_LIMIT_PER_MINUTE", "1000000")]).await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let opts = WriteOptions::default();
    let first = admin.create_product(&product("AB-1", "Bolt", "CNY", "1"), &opts).await.unwrap();
    let resp = app
        .http
        .post(app.url("/api/v1/products"))
        .bearer_auth(&token)
        .json(&json!({"sku": " ab-1 ", "name": "Other bolt", "currency": "CNY", "list_price": "2"}))
        .send()
        .await
        .unwrap();
    assert!(sku_taken(&assert_problem(resp, 409, "conflict").await));
    // Another product may not take it by a rename either; the product itself may change its case.
    let second = admin.create_product(&product("AB-2", "Nut", "CNY", "1"), &opts).await.unwrap();
    let rename = UpdateProduct { sku: Some("Ab-1".into()), ..UpdateProduct::default() };
    let resp = app
        .http
        .patch(app.url(&format!("/api/v1/products/{}", second.id)))
        .bearer_auth(&token)
        .json(&rename)
        .send()
        .await
        .unwrap();
    assert!(sku_taken(&assert_problem(resp, 409, "conflict").await));
    let renamed = admin.update_product(&first.id.to_string(), &rename, &opts).await.unwrap();
    assert_eq!(renamed.sku, "Ab-1");

    // Creates of one SKU at the same moment: the unique index lets exactly one through, and the
    // others get the same answer as when the look-up finds the first.
    for round in 0..3 {
        let calls = (0..4).map(|i| {
            let body = json!({"sku": format!("race-{round}"), "name": format!("Racer {i}"), "currency": "USD", "list_price": "5"});
            app.http.post(app.url("/api/v1/products")).bearer_auth(&token).json(&body).send()
        });
        let mut created = 0;
        for resp in futures_util::future::join_all(calls).await {
            let resp = resp.unwrap();
            if resp.status() == 201 {
                created += 1;
            } else {
                assert!(sku_taken(&assert_problem(resp, 409, "conflict").await));
            }
        }
        assert_eq!(created, 1, "round {round}");
    }
    let races = admin.list_products(&ListQuery::new().search("race-").with_total()).await.unwrap();
    assert_eq!(races.total_count, Some(3));
    app.stop().await;
}

#[actix_web::test]
async fn everyone_reads_the_catalog_but_only_admins_and_managers_see_costs_and_change_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let (_, agent) = app.user(&admin, "agent@example.com", Role::Service, None, None).await;
    let (_, manager) = app.user(&admin, "manager@example.com", Role::Manager, None, None).await;
    let body = CreateProduct { cost: Some(dec("7.5")), ..product("CAB-9", "网线 Cat6", "CNY", "19.9") };
    let made = manager.create_product(&body, &opts).await.unwrap();
    assert_eq!(made.cost.map(|c| c.to_string()).as_deref(), Some("7.50"));
    let id = made.id.to_string();
    assert_eq!(admin.get_product(&id).await.unwrap().cost, Some(dec("7.50")));

    for reader in [&rep, &agent] {
        let got = reader.get_product(&id).await.unwrap();
        assert_eq!((got.cost, got.list_price.to_string()), (None, "19.90".to_owned()));
        let page = reader.list_products(&ListQuery::new()).await.unwrap();
        assert_eq!(page.data.len(), 1);
        assert!(page.data.iter().all(|p| p.cost.is_none()));
        let forbidden = |e: kehu_client::ClientError| e.code() == Some(ErrorCode::Forbidden);
        assert!(forbidden(reader.create_product(&product("X", "x", "CNY", "1"), &opts).await.unwrap_err()));
        let patch = UpdateProduct { name: Some("mine now".into()), ..UpdateProduct::default() };
        assert!(forbidden(reader.update_product(&id, &patch, &opts).await.unwrap_err()));
        assert!(forbidden(reader.delete_product(&id, &opts).await.unwrap_err()));
        assert!(forbidden(reader.restore_product(&id).await.unwrap_err()));
    }
    // Raw bodies too: `cost` is present and null.
    let token = rep.token().unwrap();
    let raw: Value = app
        .http
        .get(app.url(&format!("/api/v1/products/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(raw.as_object().unwrap().contains_key("cost") && raw["cost"].is_null());

    // Managers change and delete; only administrators restore.
    let patch = UpdateProduct { cost: Some(Some(dec("8"))), ..UpdateProduct::default() };
    assert_eq!(manager.update_product(&id, &patch, &opts).await.unwrap().cost, Some(dec("8.00")));
    manager.delete_product(&id, &opts).await.unwrap();
    assert_eq!(manager.restore_product(&id).await.unwrap_err().code(), Some(ErrorCode::Forbidden));
    admin.restore_product(&id).await.unwrap();
    // The history of a product, costs and all, is for administrators.
    let history = ListQuery::new().param("entity", "product").param("entity_id", id.clone());
    assert_eq!(manager.list_audit_events(&history).await.unwrap_err().code(), Some(ErrorCode::Forbidden));

    // A manager's key without products:write reads but does not write.
    let key = manager
        .create_api_key(
            &kehu_core::api_key::CreateApiKey {
                name: "catalog reader".into(),
                scopes: vec!["products:read".into()],
                expires_at: None,
            },
            &opts,
        )
        .await
        .unwrap();
    let reader = Client::new(&app.base).unwrap().with_token(key.secret);
    assert_eq!(reader.get_product(&id).await.unwrap().cost, Some(dec("8.00")));
    let err = reader.create_product(&product("K-1", "k", "CNY", "1"), &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InsufficientScope));
    app.stop().await;
}

#[actix_web::test]
async fn an_idempotent_create_makes_one_product() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let send = |body: Value| {
        app.http
            .post(app.url("/api/v1/products"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "catalog-import-1")
            .json(&body)
            .send()
    };
    let body = json!({"sku": "ONCE-1", "name": "Once", "currency": "EUR", "list_price": "9.99"});
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = send(body).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(again.headers().get("etag").unwrap(), "\"1\"");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    let other = send(json!({"sku": "ONCE-2", "name": "Twice", "currency": "EUR", "list_price": "1"})).await.unwrap();
    assert_problem(other, 422, "idempotency_key_reused").await;
    assert_eq!(admin.list_products(&ListQuery::new().with_total()).await.unwrap().total_count, Some(1));
    app.stop().await;
}

#[actix_web::test]
async fn lists_filter_sort_and_page_every_row_once() {
    let app = TestApp::spawn_with(&[("KEHU_RATE_LIMIT_PER_MINUTE", "1000000")]).await;
    let admin = app.admin().await;
    let opts = WriteOptions::default();
    let specials = [
        ("SCR-M8", "不锈钢螺丝 M8", "CNY", "0.35", true),
        ("scr-m6", "Stainless screw M6", "CNY", "0.30", true),
        ("PUMP-1", "液压泵", "JPY", "150000", false),
        ("100%_PURE", "Water", "USD", "1.00", true),
    ];
    for (sku, name, currency, price, active) in specials {
        let body = CreateProduct { active, ..product(sku, name, currency, price) };
        admin.create_product(&body, &opts).await.unwrap();
    }
    for i in 0..9 {
        let currency = ["CNY", "USD", "KWD"][i % 3];
        let body = CreateProduct {
            active: i % 4 != 0,
            ..product(&format!("Item-{:02}", (i * 5) % 9), &format!("Item {i}"), currency, "1")
        };
        admin.create_product(&body, &opts).await.unwrap();
    }
    let skus = |q: ListQuery| {
        let admin = admin.clone();
        async move {
            let mut skus: Vec<String> =
                admin.list_products(&q.limit(100)).await.unwrap().data.into_iter().map(|p| p.sku).collect();
            skus.sort();
            skus
        }
    };
    assert_eq!(skus(ListQuery::new().search("螺丝")).await, ["SCR-M8"]);
    assert_eq!(skus(ListQuery::new().search("液压")).await, ["PUMP-1"]);
    assert_eq!(skus(ListQuery::new().search("scr-")).await, ["SCR-M8", "scr-m6"]);
    assert_eq!(skus(ListQuery::new().search("STAINLESS")).await, ["scr-m6"]);
    assert_eq!(skus(ListQuery::new().search("m8")).await, ["SCR-M8"]);
    // `%` and `_` are taken literally.
    assert_eq!(skus(ListQuery::new().search("0%_")).await, ["100%_PURE"]);
    assert!(skus(ListQuery::new().search("%")).await.len() == 1);
    let count = |q: ListQuery| {
        let admin = admin.clone();
        async move { admin.list_products(&q.with_total()).await.unwrap().total_count.unwrap() }
    };
    assert_eq!(count(ListQuery::new()).await, 13);
    assert_eq!(count(ListQuery::new().param("active", "false")).await, 4);
    assert_eq!(count(ListQuery::new().param("active", "true")).await, 9);
    assert_eq!(count(ListQuery::new().param("currency", "JPY")).await, 1);
    assert_eq!(count(ListQuery::new().param("currency", "CNY")).await, 5);
    assert_eq!(count(ListQuery::new().param("currency", "JPY,KWD")).await, 4);
    assert_eq!(count(ListQuery::new().param("currency", "CNY").param("active", "false").search("item")).await, 1);

    for sort in ["name", "-name", "sku", "-sku", "created_at", "-created_at", "updated_at", "-updated_at"] {
        let mut seen = Vec::new();
        let mut query = ListQuery::new().sort(sort).limit(4);
        loop {
            let page = admin.list_products(&query).await.unwrap();
            assert!(page.data.len() <= 4);
            seen.extend(page.data.iter().map(|p| (p.id, p.sku.clone())));
            match page.next_cursor {
                Some(c) => query = ListQuery::new().sort(sort).limit(4).cursor(c),
                None => break,
            }
        }
        let ids: HashSet<_> = seen.iter().map(|(id, _)| *id).collect();
        assert_eq!((seen.len(), ids.len()), (13, 13), "{sort}");
        if sort.ends_with("sku") {
            let keys: Vec<String> = seen.iter().map(|(_, s)| s.to_lowercase()).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if sort.starts_with('-') {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "{sort}");
        }
    }
    // A cursor belongs to its sort.
    let page = admin.list_products(&ListQuery::new().sort("sku").limit(2)).await.unwrap();
    let err = admin.list_products(&ListQuery::new().sort("name").cursor(page.next_cursor.unwrap())).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidParameter));
    app.stop().await;
}

#[actix_web::test]
async fn money_survives_exactly() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let token = admin.token().unwrap();
    let cases = [
        ("CNY", "12345678901.99", "12345678901.99"),
        ("CNY", "19.9", "19.90"),
        ("CNY", "0", "0.00"),
        ("CNY", "922337203685477.58", "922337203685477.58"),
        ("JPY", "1500", "1500"),
        ("JPY", "1500.00", "1500"),
        ("KWD", "1.005", "1.005"),
        ("USD", "0.01", "0.01"),
    ];
    for (i, (currency, sent, shown)) in cases.into_iter().enumerate() {
        let resp = app
            .http
            .post(app.url("/api/v1/products"))
            .bearer_auth(&token)
            .json(&json!({"sku": format!("M-{i}"), "name": "Money", "currency": currency, "list_price": sent, "cost": sent}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "{currency} {sent}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            (body["list_price"].as_str(), body["cost"].as_str()),
            (Some(shown), Some(shown)),
            "{currency} {sent}"
        );
        let id = body["id"].as_str().unwrap();
        let again: Value = app
            .http
            .get(app.url(&format!("/api/v1/products/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(again["list_price"].as_str(), Some(shown), "{currency} {sent} read back");
    }
    // Stored as an exact integer × 10⁴ on both backends.
    let mut conn = app.store().conn().unwrap();
    let page = kehu_store::products::list(
        &mut conn,
        &kehu_store::products::ProductFilter { q: Some("m-0".into()), ..Default::default() },
        kehu_store::products::ProductSort::Sku,
        kehu_store::page::Dir::Asc,
        &kehu_store::page::Page { limit: 10, after: None },
        false,
    )
    .unwrap();
    assert_eq!(page.rows[0].list_price_e4, 123_456_789_019_900);
    app.stop().await;
}
