#!/usr/bin/env bash
# Commitment portfolio comparison: capcast against finoptim (benches/commitments_peers.py), in
# the bench venv (scripts/bench-venv.sh). Arguments go to the Python script, e.g.
#   bash scripts/bench-commitments.sh --pools 20 --hours 2000
set -euo pipefail
source "$(dirname "$0")/bench-venv.sh"
exec python benches/commitments_peers.py "$@"
