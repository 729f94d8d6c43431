//! The committed API document must be exactly what the code generates (`just spec` updates it).

#![allow(clippy::unwrap_used)]

#[test]
fn committed_openapi_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../api-spec/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = kehu_api::routes::openapi_json().unwrap();
    assert!(
        committed == generated,
        "api-spec/openapi.json is out of date with the code: run `just spec` and commit the result"
    );
}
