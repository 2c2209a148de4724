#!/usr/bin/env bash
# The bench venv shared by the peer comparisons (scripts/bench-forecast.sh,
# scripts/bench-commitments.sh): target/bench-venv with the `bench` extra of pyproject.toml
# (the peers, from the package index), and capcast built into it in the release profile
# (sharing the compiled dependencies of `cargo test --release`). Sourced, not run: it leaves
# the venv active in the calling script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=target/bench-venv
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
fi
export VIRTUAL_ENV="$PWD/$VENV"
export PATH="$VIRTUAL_ENV/bin:$PATH"
mapfile -t REQS < <(python - <<'PY'
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["optional-dependencies"]["bench"]))
PY
)
# Reinstall only when the bench extra changes.
STAMP="$VENV/.capcast-bench-deps"
WANT="$(printf '%s\n' "${REQS[@]}" | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
    python -m pip install --quiet --disable-pip-version-check --upgrade "${REQS[@]}"
    echo "$WANT" > "$STAMP"
fi
maturin develop --release --quiet
