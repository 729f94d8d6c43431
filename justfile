# Kehu's tasks. `just run` starts Kehu on SQLite; `just test` runs the tests. `just --list` shows all.

set shell := ["bash", "-euo", "pipefail", "-c"]

# One shared target dir for every build here (server, tests, web app, browser tests).
export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", justfile_directory() / "target")

# Build the web app and the server, then start Kehu on an embedded SQLite database in ./data.
run: web
    cargo build -p kehu-api --bin kehu
    "$CARGO_TARGET_DIR/debug/kehu" serve

# Unit and API tests on SQLite; again on PostgreSQL when KEHU_TEST_PG_URL is set.
test:
    @echo "== unit and API tests on SQLite"
    env -u KEHU_TEST_PG_URL cargo test
    cargo test -p kehu-web
    @if [ -n "${KEHU_TEST_PG_URL:-}" ]; then just test-pg; else echo "(KEHU_TEST_PG_URL not set: skipped the PostgreSQL run)"; fi

# Store and API tests on PostgreSQL: a database per test (API tests copy a migrated template).
test-pg:
    @test -n "${KEHU_TEST_PG_URL:-}" || { echo "set KEHU_TEST_PG_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres" >&2; exit 1; }
    @echo "== store and API tests on PostgreSQL"
    cargo test -p kehu-store -p kehu-api --tests

# Browser tests: the real web app in headless Chromium against a real server.
e2e: web
    cargo build -p kehu-api --bin kehu
    @echo "== browser tests in headless Chromium"
    KEHU_BIN="$CARGO_TARGET_DIR/debug/kehu" cargo test -p kehu-e2e -- --test-threads=1

# List and search latency over 100 000 customers (KEHU_BENCH_CUSTOMERS), on SQLite and, with
# KEHU_TEST_PG_URL, on PostgreSQL; prints p50/p99 and ratios to a baseline measured in the same run.
bench:
    cargo bench -p kehu-api --bench lists

# Write api-spec/openapi.json from the code.
spec:
    cargo run -q -p kehu-api --bin kehu -- openapi api-spec/openapi.json

# Formatting and clippy (warnings are errors), natively and for the web app's wasm target.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings
    cargo clippy -p kehu-e2e --all-targets -- -D warnings
    cargo clippy -p kehu-web --target wasm32-unknown-unknown -- -D warnings

# Build the web app into frontend/dist (served by `kehu serve`).
web: tools
    frontend/build.sh

# Install what building the web app needs, skipping what is already there.
tools:
    #!/usr/bin/env bash
    set -euo pipefail
    rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
    want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
    have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
    if [ "$have" != "$want" ]; then
        echo "installing wasm-bindgen-cli $want (a few minutes, once)"
        cargo install wasm-bindgen-cli --version "$want"
    fi
    # The tool that cuts the web app's wasm per page; its version goes with wasm_split_helpers, which
    # Leptos puts in the app. It prints no version, so ask cargo what it installed.
    want=$(awk '/^name = "wasm_split_helpers"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
    if ! command -v wasm-split-cli >/dev/null || ! cargo install --list | grep -qx "wasm_split_cli_support v$want:"; then
        echo "installing wasm-split-cli $want (a minute, once)"
        cargo install wasm_split_cli_support --version "$want" --features build-binary
    fi
    [ -x frontend/node_modules/.bin/wasm-opt ] || (cd frontend && npm ci --no-audit --no-fund)

# Everything CI checks; the web app must stay under its download budget.
ci: lint test spec-check fuzz web-budget e2e

# Schemathesis against a live server on a throwaway database, for FUZZ_SECONDS (default 180): every
# request and answer must be what api-spec/openapi.json says. Needs `pip install schemathesis`.
fuzz:
    scripts/fuzz/run.sh

# Build the web app and fail when what a first visit downloads (main wasm + JS, gzip) exceeds 400 KB.
web-budget: tools
    frontend/build.sh --check-budget

# Fails when api-spec/openapi.json differs from the code.
spec-check:
    cargo test -p kehu-api --test openapi
