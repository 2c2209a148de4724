#!/usr/bin/env bash
# Forecast comparison: capcast against statsforecast, Prophet and augurs (benches/forecast_peers.py),
# in the bench venv (scripts/bench-venv.sh). Arguments go to the Python script, e.g.
#   bash scripts/bench-forecast.sh --datasets taylor --max-series 5
set -euo pipefail
source "$(dirname "$0")/bench-venv.sh"
exec python benches/forecast_peers.py "$@"
