#!/usr/bin/env bash
# Build the sealpost .deb with cargo-deb into target/debian/.
#
#   packaging/build-deb.sh            # release build + package
#   SEALPOST_DEB_VERSION=0.1.0-2 packaging/build-deb.sh
#
# Installs cargo-deb (cargo install --locked) when it is missing. The
# package metadata lives in Cargo.toml's [package.metadata.deb]; until that
# block is there, the identical block in packaging/cargo-deb.toml is used
# through a staging manifest (same sources, same target directory).
# Prints the path of the .deb on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/debian

command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup)" >&2; exit 1; }
if ! cargo deb --version >/dev/null 2>&1; then
    echo "installing cargo-deb (cargo install cargo-deb --locked)" >&2
    cargo install cargo-deb --locked
fi
# cargo-deb calls dpkg-shlibdeps for $auto only if present; ldd is enough.
command -v dpkg >/dev/null || { echo "dpkg not found: build on Debian/Ubuntu" >&2; exit 1; }

# SEALPOST_DEB_NO_BUILD=1 packages the existing target/release/sealpost.
if [ "${SEALPOST_DEB_NO_BUILD:-0}" != 1 ]; then
    cargo build --release --locked --bin sealpost
fi
[ -x target/release/sealpost ] || { echo "target/release/sealpost missing" >&2; exit 1; }

args=(--no-build --locked -o "$OUT")
# The release profile keeps debug info (debug = 1); strip it from the
# packaged binary unless SEALPOST_DEB_STRIP=0.
if [ "${SEALPOST_DEB_STRIP:-1}" != 0 ]; then args+=(--strip); fi
if [ -n "${SEALPOST_DEB_VERSION:-}" ]; then args+=(--deb-version "$SEALPOST_DEB_VERSION"); fi
mkdir -p "$OUT"

if grep -q '^\[package\.metadata\.deb\]' Cargo.toml; then
    manifest=$ROOT/Cargo.toml
else
    echo "note: Cargo.toml has no [package.metadata.deb]; using packaging/cargo-deb.toml" >&2
    STAGE=$(mktemp -d)
    trap 'rm -rf "$STAGE"' EXIT
    { cat Cargo.toml; echo; cat packaging/cargo-deb.toml; } > "$STAGE/Cargo.toml"
    cp Cargo.lock "$STAGE/Cargo.lock"
    for f in * .[!.]*; do
        case "$f" in Cargo.toml|Cargo.lock|target|.git) continue ;; esac
        [ -e "$f" ] && ln -s "$ROOT/$f" "$STAGE/$f"
    done
    manifest=$STAGE/Cargo.toml
    export CARGO_TARGET_DIR=$ROOT/target
fi

deb=$(cargo deb --manifest-path "$manifest" "${args[@]}" | tail -n 1)
[ -f "$deb" ] || { echo "cargo deb did not produce a package (got: $deb)" >&2; exit 1; }
dpkg-deb --info "$deb" >/dev/null
echo "$deb"
