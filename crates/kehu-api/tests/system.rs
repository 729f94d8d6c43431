//! Health, metrics, the error envelope of unknown routes, the API document and its docs page.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, assert_problem};

#[actix_web::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let live: serde_json::Value = app.http.get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(live["status"], "ok");
    let ready: serde_json::Value = app.http.get(app.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    let resp = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert!(resp.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    assert!(text.contains("kehu_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("kehu_http_request_duration_seconds_bucket{method=\"GET\",route=\"/readyz\""));
    app.stop().await;
}

#[actix_web::test]
async fn every_response_has_a_request_id_and_errors_are_problems() {
    let app = TestApp::spawn().await;
    let resp = app.http.get(app.url("/healthz")).send().await.unwrap();
    let id = resp.headers().get("request-id").unwrap().to_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);

    // A client's own plain id is kept; an unusable one is replaced.
    let resp = app.http.get(app.url("/healthz")).header("request-id", "abc-123").send().await.unwrap();
    assert_eq!(resp.headers().get("request-id").unwrap(), "abc-123");
    let resp = app.http.get(app.url("/healthz")).header("request-id", "a b\"c").send().await.unwrap();
    assert_ne!(resp.headers().get("request-id").unwrap(), "a b\"c");

    assert_problem(app.http.get(app.url("/api/v1/no-such-thing")).send().await.unwrap(), 404, "not_found").await;
    assert_problem(app.http.delete(app.url("/api/v1/no-such-things/1")).send().await.unwrap(), 404, "not_found").await;
    assert_problem(app.http.get(app.url("/missing.js")).send().await.unwrap(), 404, "not_found").await;

    let resp = app.http.get(app.url("/api/v1/auth/login")).send().await.unwrap();
    assert_eq!(resp.headers().get("allow").unwrap(), "POST");
    assert_problem(resp, 405, "method_not_allowed").await;
    let resp = app.http.post(app.url("/api/v1/me")).send().await.unwrap();
    assert_problem(resp, 405, "method_not_allowed").await;
    let resp = app.http.delete(app.url("/healthz")).send().await.unwrap();
    assert_problem(resp, 405, "method_not_allowed").await;
    app.stop().await;
}

#[actix_web::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value =
        app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
    }
    // Every documented operation is really mounted with its method: called without credentials
    // (and with a well-formed id in place of each path parameter, so that the path is not what
    // fails), it is neither an unknown route (404) nor a known route with another method (405).
    let id = uuid::Uuid::now_v7().to_string();
    for (path, item) in paths {
        let concrete: String = path
            .split('/')
            .map(|part| if part.starts_with('{') { id.as_str() } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let req = app.http.request(method.to_uppercase().parse().unwrap(), app.url(&concrete));
            let status = req.send().await.unwrap().status();
            assert!(![404, 405].contains(&status.as_u16()), "{method} {path} is documented but answers {status}");
        }
    }
    assert_eq!(doc["components"]["schemas"]["Problem"]["type"], "object");
    app.stop().await;
}

#[actix_web::test]
async fn the_docs_page_is_served_without_internet() {
    let app = TestApp::spawn().await;
    let resp = app.http.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(resp.status(), 200, "the redirect to /api/docs/ is followed");
    let html = resp.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every script and stylesheet the page loads is served by Kehu itself.
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-initializer.js"]
    {
        let resp = app.http.get(app.url(&format!("/api/docs/{asset}"))).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        let body = resp.text().await.unwrap();
        if asset == "swagger-initializer.js" {
            assert!(body.contains("/api/v1/openapi.json"), "{body}");
        }
    }
    assert!(!html.contains("https://"), "the page must not load anything from the internet");
    app.stop().await;
}

#[actix_web::test]
async fn the_web_app_shell_is_served_for_client_side_routes() {
    let app = TestApp::spawn().await;
    // Either the built app or, when it was not built, a page that says how to build it; never a
    // problem document, and the same for any deep link.
    for path in ["/", "/home", "/customers/123"] {
        let resp = app.http.get(app.url(path)).send().await.unwrap();
        let ct = resp.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
        assert!(ct.starts_with("text/html"), "{path}: {ct}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn tests_run_on_the_backend_the_environment_names() {
    let app = TestApp::spawn().await;
    let want_pg = std::env::var("KEHU_TEST_PG_URL").is_ok_and(|u| !u.is_empty());
    let want = if want_pg { kehu_store::Backend::Postgres } else { kehu_store::Backend::Sqlite };
    assert_eq!(app.backend, want);
    app.stop().await;
}

#[actix_web::test]
async fn api_calls_are_rate_limited_per_caller_with_headers() {
    let app = TestApp::spawn_with(&[("KEHU_RATE_LIMIT_PER_MINUTE", "5")]).await;
    let (token, _) = app.raw_login().await;
    let mut last = None;
    for _ in 0..5 {
        let resp = app.http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers().get("ratelimit-policy").unwrap(), "5;w=60");
        last = Some(resp.headers().get("ratelimit").unwrap().to_str().unwrap().to_owned());
    }
    // The sign-in counted against the address; these five against the user.
    assert!(last.unwrap().starts_with("limit=5, remaining=0"));
    let resp = app.http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert!(resp.headers().get("retry-after").is_some());
    assert!(resp.headers().get("ratelimit").is_some());
    assert_problem(resp, 429, "rate_limited").await;
    // Another caller (here: anonymous, by address) has a budget of its own.
    let resp = app.http.post(app.url("/api/v1/auth/refresh")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    // Health checks and the web app are not API calls and are never limited.
    assert_eq!(app.http.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    app.stop().await;
}
