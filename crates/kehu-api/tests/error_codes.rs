//! Every error code of the table is produced by some API test and asserted there, so a code that
//! nothing can return (or that a refactor stopped returning) is noticed.

#![allow(clippy::unwrap_used)]

use kehu_core::ErrorCode;

/// Codes that no API test can provoke on purpose, and why.
const UNPROVOKED: [(ErrorCode, &str); 2] = [
    (ErrorCode::InternalError, "a server fault: nothing a request can ask for"),
    (ErrorCode::ServiceUnavailable, "an unreachable database: the failover scenario, not an API test"),
];

#[test]
fn every_error_code_is_asserted_by_an_api_test() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut sources = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let own = path.file_name().is_some_and(|n| n == "error_codes.rs");
        if path.extension().is_some_and(|e| e == "rs") && !own {
            sources.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let missing: Vec<&str> = ErrorCode::ALL
        .iter()
        .filter(|code| !UNPROVOKED.iter().any(|(c, _)| c == *code))
        .filter(|code| {
            !sources.contains(&format!("\"{}\"", code.as_str())) && !sources.contains(&format!("ErrorCode::{code:?})"))
        })
        .map(|code| code.as_str())
        .collect();
    assert!(missing.is_empty(), "no API test asserts these codes: {missing:?}");
}
