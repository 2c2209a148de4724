#!/usr/bin/env bash
# Commitment portfolio comparison: capcast against finoptim (benches/commitments_peers.py).
# Uses the bench venv of scripts/bench-forecast.sh (the `bench` extra of pyproject.toml, peers
# from the package index), builds capcast into it in the release profile, then runs the
# comparison. Arguments go to the Python script, e.g.
#   bash scripts/bench-commitments.sh --pools 20 --hours 2000
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
exec python benches/commitments_peers.py "$@"
