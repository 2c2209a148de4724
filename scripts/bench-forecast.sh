#!/usr/bin/env bash
# Forecast comparison: capcast against statsforecast, Prophet and augurs (benches/forecast_peers.py).
# Makes target/bench-venv with the `bench` extra of pyproject.toml (the peers, from the package
# index), builds capcast into it in the release profile (sharing the compiled dependencies of
# `cargo test --release`), then runs the comparison. Arguments go to the Python script, e.g.
#   bash scripts/bench-forecast.sh --datasets taylor --max-series 5
set -euo pipefail
cd "$(dirname "$0")/.."

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
STAMP="$VENV/.capcast-bench-deps"
WANT="$(printf '%s\n' "${REQS[@]}" | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
    python -m pip install --quiet --disable-pip-version-check --upgrade "${REQS[@]}"
    echo "$WANT" > "$STAMP"
fi
maturin develop --release --quiet
exec python benches/forecast_peers.py "$@"
