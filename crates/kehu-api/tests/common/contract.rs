//! Every response the API tests receive must be one the committed API document allows: a status it
//! lists for the operation, with a body that validates against its schema. The tests reach the
//! server through a small proxy that checks each response on its way back, so the typed client
//! and raw requests are both covered; what breaks the document fails the test (see `TestApp`'s
//! drop) with the request and the reasons.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::dev::ServerHandle;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

/// The committed document, read once per test binary.
pub fn document() -> &'static Contract {
    static DOC: OnceLock<Contract> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../api-spec/openapi.json");
        let text = std::fs::read_to_string(&path).expect("api-spec/openapi.json is readable");
        Contract::new(serde_json::from_str(&text).expect("api-spec/openapi.json is JSON"))
    })
}

/// The API document, with a compiled validator per response schema (made when first needed).
pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Contract {
    pub fn new(doc: Value) -> Contract {
        Contract { doc, validators: Mutex::new(HashMap::new()) }
    }

    /// The documented operation of `method` on `path` (its template and the operation), if any; a
    /// literal segment wins over a template (`/leads/board` over `/leads/{id}`).
    fn operation(&self, method: &str, path: &str) -> Option<(&str, &Value)> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.doc["paths"].as_object()?;
        paths
            .iter()
            .filter_map(|(template, item)| {
                let segments: Vec<&str> = template.trim_matches('/').split('/').collect();
                if segments.len() != parts.len() {
                    return None;
                }
                let mut literal = 0;
                for (s, p) in segments.iter().zip(&parts) {
                    if s.starts_with('{') && s.ends_with('}') {
                        if p.is_empty() {
                            return None;
                        }
                    } else if s == p {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                let op = item.get(method.to_ascii_lowercase())?;
                Some((literal, template.as_str(), op))
            })
            .max_by_key(|(literal, _, _)| *literal)
            .map(|(_, template, op)| (template, op))
    }

    /// Checks one response. Requests outside the document (the web app, the docs page, a method
    /// a path does not have) are not the document's to judge.
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let Some((template, op)) = self.operation(method, path) else { return Ok(()) };
        let responses = &op["responses"];
        let range = format!("{}XX", status / 100);
        let Some(response) = [status.to_string(), range, "default".to_owned()].iter().find_map(|k| responses.get(k))
        else {
            let listed: Vec<&String> = responses.as_object().map(|r| r.keys().collect()).unwrap_or_default();
            return Err(format!("status {status} is not documented for {method} {template} (it lists {listed:?})"));
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!("{status} of {method} {template} is documented without a body, and one came"))
            };
        };
        // Media types are compared without their parameters (`text/plain; version=0.0.4`).
        let essence = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let media = essence(content_type.unwrap_or(""));
        let Some(documented) = content.iter().find(|(m, _)| essence(m) == media).map(|(_, d)| d) else {
            let listed: Vec<&String> = content.keys().collect();
            return Err(format!("{status} of {method} {template} came as {media:?}; the document says {listed:?}"));
        };
        if !media.ends_with("json") {
            return Ok(());
        }
        let Some(schema) = documented.get("schema") else { return Ok(()) };
        let instance: Value = serde_json::from_slice(body).map_err(|e| {
            format!("{status} of {method} {template} is not JSON ({e}): {}", String::from_utf8_lossy(body))
        })?;
        let key = format!("{method} {template} {status} {media}");
        let validator = self.validator(&key, schema)?;
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("at {}: {e}", e.instance_path())).take(5).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{status} of {method} {template} breaks its schema: {}; body {instance}", errors.join("; ")))
        }
    }

    /// A validator of `schema` whose `#/components/...` references resolve against the document.
    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self.validators.lock().unwrap();
        if let Some(v) = cache.get(key) {
            return Ok(v.clone());
        }
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            "allOf": [schema],
        });
        let validator = Arc::new(
            jsonschema::draft202012::new(&root).map_err(|e| format!("the schema of {key} does not compile: {e}"))?,
        );
        cache.insert(key.to_owned(), validator.clone());
        Ok(validator)
    }
}

/// What the proxy saw that the document does not allow.
pub type Violations = Arc<Mutex<Vec<String>>>;

struct Upstream {
    base: String,
    http: reqwest::Client,
    violations: Violations,
}

/// Starts the checking proxy in front of the server at `upstream`; returns its base URL and handle.
pub fn spawn_proxy(upstream: &str, violations: Violations) -> (String, ServerHandle) {
    let upstream = web::Data::new(Upstream {
        base: upstream.to_owned(),
        // Redirects and cookies are the test client's business; the proxy passes them through.
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().unwrap(),
        violations,
    });
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(upstream.clone())
            // Bodies pass whole, whatever their size: the server behind decides what is too large.
            .app_data(web::PayloadConfig::new(1 << 30))
            .default_service(web::to(forward))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (format!("http://{addr}"), handle)
}

/// Headers that describe one hop, not the message.
fn hop_by_hop(name: &str) -> bool {
    matches!(name, "connection" | "keep-alive" | "transfer-encoding" | "content-length" | "upgrade" | "te" | "trailer")
}

async fn forward(req: HttpRequest, body: web::Bytes, upstream: web::Data<Upstream>) -> HttpResponse {
    let method = req.method().as_str().to_owned();
    let path_and_query = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let url = format!("{}{}", upstream.base, path_and_query);
    let mut out = upstream.http.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), &url);
    for (name, value) in req.headers() {
        if !hop_by_hop(name.as_str()) {
            out = out.header(name.as_str(), value.as_bytes());
        }
    }
    if !body.is_empty() || req.headers().contains_key("content-length") {
        out = out.body(body.to_vec());
    }
    let resp = match out.send().await {
        Ok(resp) => resp,
        Err(e) => return HttpResponse::BadGateway().body(format!("the test proxy could not reach the server: {e}")),
    };
    let status = resp.status().as_u16();
    let headers: Vec<(String, Vec<u8>)> =
        resp.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => return HttpResponse::BadGateway().body(format!("the test proxy could not read the answer: {e}")),
    };
    if let Err(why) = document().check(&method, req.path(), status, content_type.as_deref(), &bytes) {
        upstream.violations.lock().unwrap().push(format!("{method} {path_and_query}: {why}"));
    }
    let mut builder = HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::BAD_GATEWAY),
    );
    for (name, value) in headers {
        if !hop_by_hop(&name) {
            builder.append_header((name, value));
        }
    }
    builder.body(bytes.to_vec())
}

#[test]
fn responses_that_break_the_document_are_caught() {
    let doc = document();
    let problem = |code: &str| {
        json!({"type": format!("https://kehu.dev/problems/{code}"), "title": "Not found", "status": 404,
               "code": code, "detail": null, "errors": [], "request_id": "r"})
    };
    let check = |status: u16, body: &Value| {
        doc.check(
            "GET",
            "/api/v1/customers/0190b5a0-0000-7000-8000-000000000000",
            status,
            Some("application/problem+json"),
            body.to_string().as_bytes(),
        )
    };
    assert_eq!(check(404, &problem("not_found")), Ok(()));
    // A Rust variant name where the wire name belongs.
    assert!(check(404, &problem("NotFound")).is_err());
    // A required field missing.
    let mut missing = problem("not_found");
    missing.as_object_mut().unwrap().remove("title");
    assert!(check(404, &missing).unwrap_err().contains("title"));
    // A status the operation does not list.
    assert!(check(418, &problem("not_found")).unwrap_err().contains("not documented"));
    // The wrong media type.
    let text =
        doc.check("GET", "/api/v1/customers/0190b5a0-0000-7000-8000-000000000000", 404, Some("text/plain"), b"gone");
    assert!(text.is_err());
    // A literal path wins over a template, and paths outside the document are not judged.
    assert_eq!(doc.operation("GET", "/api/v1/leads/board").map(|(t, _)| t), Some("/api/v1/leads/board"));
    assert_eq!(doc.check("GET", "/app/anything", 200, Some("text/html"), b"<html>"), Ok(()));
}
