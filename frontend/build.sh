#!/usr/bin/env bash
# Builds the web app into frontend/dist/, which the server serves at `/`.
# Needs: the wasm32-unknown-unknown target, the wasm-bindgen CLI matching Cargo.lock, and npm
# (for binaryen's wasm-opt, as Debian's binaryen is too old and its output breaks in Chromium; and
# for esbuild).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
dist="$here/dist"
# What a first visit downloads (wasm + JS glue, gzip), in bytes; a phone on a slow network pays for each one.
# Raised from 250 KB on purpose: a full CRM needs many more pages than the first few, and 400 KB gzip is
# still about 2 s on a slow 3G phone. When the app nears this, split the wasm per page (load each page's
# code when it is opened) rather than raising the budget again.
budget=400000
out="$target_dir/wasm32-unknown-unknown/wasm-release"

want_bindgen="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
if ! command -v wasm-bindgen >/dev/null; then
  echo "wasm-bindgen not found; install it with: cargo install wasm-bindgen-cli --version $want_bindgen" >&2
  exit 1
fi
have_bindgen="$(wasm-bindgen --version | awk '{ print $2 }')"
if [[ -n "$want_bindgen" && "$have_bindgen" != "$want_bindgen" ]]; then
  echo "wasm-bindgen $have_bindgen does not match $want_bindgen in Cargo.lock;" \
    "install it with: cargo install wasm-bindgen-cli --version $want_bindgen" >&2
  exit 1
fi

if [[ ! -x "$here/node_modules/.bin/wasm-opt" || ! -x "$here/node_modules/.bin/esbuild" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# `erase_components` makes every Leptos component return a type-erased view, so the renderer is
# compiled once rather than once per component: about 40 KB less to download. The path remapping
# shortens the source paths that panic locations carry.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
(cd "$root" && RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components --remap-path-prefix=$registry/= --remap-path-prefix=$root/=" \
  cargo build -p kehu-web --profile wasm-release --target wasm32-unknown-unknown)

# cargo names a binary's wasm after the package (kehu-web), a library's after the crate (kehu_web).
wasm="$out/kehu-web.wasm"
[[ -f "$wasm" ]] || wasm="$out/kehu_web.wasm"

rm -rf "$dist"
mkdir -p "$dist"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-name kehu_web --out-dir "$dist" "$wasm"
# The features rustc uses by default on wasm32; wasm-opt rejects code with features it was not told of.
"$here/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$dist/kehu_web_bg.wasm" "$dist/kehu_web_bg.wasm"
# The glue wasm-bindgen writes is readable JS; minified it is a quarter smaller over the wire.
"$here/node_modules/.bin/esbuild" "$dist/kehu_web.js" --minify --format=esm --log-level=warning \
  --allow-overwrite --outfile="$dist/kehu_web.js"
cp "$here/index.html" "$here/style.css" "$dist/"

gz() { gzip -9 -c "$1" | wc -c; }
wasm_gz="$(gz "$dist/kehu_web_bg.wasm")"
js_gz="$(gz "$dist/kehu_web.js")"
css_gz="$(gz "$dist/style.css")"
echo "dist: $dist"
printf '  %-20s %8d bytes, %7d gzip\n' kehu_web_bg.wasm "$(wc -c <"$dist/kehu_web_bg.wasm")" "$wasm_gz"
printf '  %-20s %8d bytes, %7d gzip\n' kehu_web.js "$(wc -c <"$dist/kehu_web.js")" "$js_gz"
printf '  %-20s %8d bytes, %7d gzip\n' style.css "$(wc -c <"$dist/style.css")" "$css_gz"
total=$((wasm_gz + js_gz))
echo "  wasm + js gzip: $total bytes (budget: under $budget)"
if ((total >= budget)); then
  echo "warning: the web app is over its download budget of $budget bytes (wasm + js, gzip)" >&2
  # CI (`just ci`) passes --check-budget so that a change that breaks the budget cannot land.
  if [[ "${1:-}" == "--check-budget" ]]; then exit 1; fi
fi
