#!/usr/bin/env bash
# Builds the web app into frontend/dist/, which the server serves at `/`.
# Needs: the wasm32-unknown-unknown target, the wasm-bindgen CLI matching Cargo.lock, wasm-split-cli
# (wasm_split_cli_support matching wasm_split_helpers in Cargo.lock; `just tools` installs both), and npm
# (for binaryen's wasm-opt, as Debian's binaryen is too old and its output breaks in Chromium; and
# for esbuild).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
dist="$here/dist"
# What a first visit downloads (main wasm + JS glue, gzip), in bytes; a phone on a slow network pays for
# each one. Pages other than sign-in and home load their code when first opened (src/lazy.rs), so a
# new page adds to this only what it shares with the first ones.
budget=400000
out="$target_dir/wasm32-unknown-unknown/wasm-release"

want_bindgen="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
if ! command -v wasm-split-cli >/dev/null; then
  echo "wasm-split-cli not found; install it with: just tools" >&2
  exit 1
fi
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
# shortens the source paths that panic locations carry. `--emit-relocs` keeps the linker's
# relocations, which wasm-split-cli needs to follow calls across the split points.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
(cd "$root" && RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components -Clink-arg=--emit-relocs --remap-path-prefix=$registry/= --remap-path-prefix=$root/=" \
  cargo build -p kehu-web --profile wasm-release --target wasm32-unknown-unknown)

# cargo names a binary's wasm after the package (kehu-web), a library's after the crate (kehu_web).
wasm="$out/kehu-web.wasm"
[[ -f "$wasm" ]] || wasm="$out/kehu_web.wasm"

# Cut the wasm at the split points of src/lazy.rs: the main module (what a first visit loads), one
# file per lazily loaded page, files for code several pages share, and the JS that loads them.
split="$out/split"
rm -rf "$split" "$dist"
mkdir -p "$split" "$dist"
wasm-split-cli "$wasm" "$split" --out-name kehu_web 2> >(grep -v "Overlong segment" >&2 || true)

# The page files use the main module's function table; wasm-bindgen drops the linker's exports,
# that table among them, unless told to keep them.
wasm-bindgen --target web --no-typescript --keep-lld-exports --remove-name-section --remove-producers-section \
  --out-name kehu_web --out-dir "$dist" "$split/kehu_web.wasm"
# The features rustc uses by default on wasm32; wasm-opt rejects code with features it was not told of.
opt() {
  "$here/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    --enable-multivalue -o "$2" "$1" 2> >(grep -v "unknown name subsection" >&2 || true)
}
opt "$dist/kehu_web_bg.wasm" "$dist/kehu_web_bg.wasm"
# Page files carry the build's id in their names: a tab opened before an upgrade must not run new
# page code against its old main module; it fails to fetch instead and offers a reload.
build_id="$(sha256sum "$dist/kehu_web_bg.wasm" | cut -c1-10)"
for part in "$split"/*.wasm; do
  name="$(basename "$part" .wasm)"
  [[ "$name" == kehu_web ]] && continue
  opt "$part" "$dist/$name.$build_id.wasm"
done
sed -E "s#\"\./([A-Za-z0-9_]+)\.wasm\"#\"./\1.$build_id.wasm\"#g" "$split/__wasm_split.js" >"$dist/__wasm_split.js"
# The glue wasm-bindgen writes is readable JS; minified it is a quarter smaller over the wire. The
# glue imports the split loader once per split point, under one name: esbuild's warning about the
# repeated key is expected.
for js in kehu_web.js __wasm_split.js; do
  "$here/node_modules/.bin/esbuild" "$dist/$js" --minify --format=esm --log-level=warning \
    --log-override:duplicate-object-key=silent --allow-overwrite --outfile="$dist/$js"
done
cp "$here/index.html" "$here/style.css" "$dist/"

gz() { gzip -9 -c "$1" | wc -c; }
wasm_gz="$(gz "$dist/kehu_web_bg.wasm")"
js_gz="$(gz "$dist/kehu_web.js")"
css_gz="$(gz "$dist/style.css")"
echo "dist: $dist"
printf '  %-20s %8d bytes, %7d gzip\n' kehu_web_bg.wasm "$(wc -c <"$dist/kehu_web_bg.wasm")" "$wasm_gz"
printf '  %-20s %8d bytes, %7d gzip\n' kehu_web.js "$(wc -c <"$dist/kehu_web.js")" "$js_gz"
printf '  %-20s %8d bytes, %7d gzip\n' style.css "$(wc -c <"$dist/style.css")" "$css_gz"
pages=0
for part in "$dist"/*."$build_id".wasm; do pages=$((pages + $(gz "$part"))); done
echo "  loaded with the pages that need them: $(ls "$dist"/*."$build_id".wasm | wc -l) files, $pages bytes gzip"
total=$((wasm_gz + js_gz))
echo "  wasm + js gzip: $total bytes (budget: under $budget)"
if ((total >= budget)); then
  echo "warning: the web app is over its download budget of $budget bytes (wasm + js, gzip)" >&2
  # CI (`just ci`) passes --check-budget so that a change that breaks the budget cannot land.
  if [[ "${1:-}" == "--check-budget" ]]; then exit 1; fi
fi
