#!/usr/bin/env bash
# Prepares a development environment for capcast, idempotently:
#   1. .venv with the machine's python3 and the `dev` extra of pyproject.toml (maturin, pytest,
#      polars, pyarrow, pandas, nbclient, ipykernel, ...), reinstalled only when that list changes;
#   2. the Rust extension `capcast._native`, built by `maturin develop --release` into .venv.
# The extension builds in cargo's `release` profile with no extra RUSTFLAGS, the profile that
# `cargo test --release` uses, so polars and every other dependency are compiled once for both.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "setup: creating $VENV with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi
export VIRTUAL_ENV="$PWD/$VENV"
export PATH="$VIRTUAL_ENV/bin:$PATH"

# The requirement list is the `dev` extra of pyproject.toml: one place to change it.
mapfile -t REQS < <(python - <<'PY'
import tomllib
with open("pyproject.toml", "rb") as f:
    meta = tomllib.load(f)
print("\n".join(meta["project"]["optional-dependencies"]["dev"]))
PY
)
STAMP="$VENV/.capcast-dev-deps"
WANT="$(printf '%s\n' "${REQS[@]}" | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
    echo "setup: installing ${REQS[*]}"
    python -m pip install --quiet --disable-pip-version-check --upgrade pip
    python -m pip install --quiet --disable-pip-version-check --upgrade "${REQS[@]}"
    echo "$WANT" > "$STAMP"
else
    echo "setup: python dependencies up to date"
fi

# Headless Chromium: a test opens the planning report in it (Debian's package; CI runs as root).
if ! command -v chromium >/dev/null 2>&1; then
    echo "setup: installing chromium"
    SUDO=""
    [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
fi

echo "setup: building the extension (maturin develop --release)"
maturin develop --release
python -c "import capcast, polars; print(f'setup: capcast {capcast.__version__} with polars {polars.__version__}')"
