#!/usr/bin/env bash
# capcast's whole test suite, as CI runs it (.ci/run):
#   1. scripts/setup.sh        .venv + the extension, built in cargo's release profile;
#   2. cargo test --release    every Rust test: unit, integration (tests/main.rs) and doc tests;
#   3. pytest python/tests     warnings are errors; "no tests collected" is a failure;
#      mypy --strict on python/capcast and mypy.stubtest on the extension's stub;
#   4. the polars floor        the frame round-trip tests again with the oldest supported
#                              polars (skip with CAPCAST_SKIP_POLARS_FLOOR=1);
#   5. notebooks/*.ipynb       executed in a fresh kernel, outputs not written back.
# Every step runs even if an earlier one fails; the script exits non-zero if any failed and
# ends with a summary.
set -uo pipefail
cd "$(dirname "$0")/.."

declare -a NAMES=() RESULTS=() TIMES=()
FAILED=0
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

step() {
    local name="$1"
    shift
    echo
    echo "=== $name ==="
    local start=$SECONDS
    "$@" 2>&1 | tee "$LOGS/${#NAMES[@]}.log"
    local rc=${PIPESTATUS[0]}
    NAMES+=("$name")
    TIMES+=("$((SECONDS - start))s")
    if [[ $rc -eq 0 ]]; then
        RESULTS+=("ok")
    else
        RESULTS+=("FAILED (exit $rc)")
        FAILED=1
    fi
    return $rc
}

summary() {
    echo
    echo "=== summary ==="
    for i in "${!NAMES[@]}"; do
        printf '  %-28s %-18s %s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${TIMES[$i]}"
    done
    printf '  %-28s %s\n' "total" "$((SECONDS))s"
    # One closing line over every runner: cargo's "test result: ok. N passed; M failed" lines,
    # pytest's "N passed, M failed" and the notebooks' line.
    local failed_steps=0
    for result in "${RESULTS[@]}"; do
        [[ "$result" == ok ]] || failed_steps=$((failed_steps + 1))
    done
    cat "$LOGS"/*.log 2>/dev/null | FAILED_STEPS=$failed_steps python3 -c '
import os, re, sys
passed = failed = 0
for line in sys.stdin:
    m = re.search(r"test result: \w+\. (\d+) passed; (\d+) failed", line)
    if m:
        passed += int(m[1]); failed += int(m[2]); continue
    if re.match(r"^(=+ )?(\d+ (passed|failed|skipped|errors?|warnings?|deselected|xfailed|xpassed)(, )?)+ in [\d.]+s", line.strip()) or line.startswith("notebooks: "):
        passed += sum(int(n) for n in re.findall(r"(\d+) passed", line))
        failed += sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)\b", line))
# A step that failed without a failing test (a build error) still counts as a failure.
failed = max(failed, int(os.environ["FAILED_STEPS"]))
print(f"all tests: {passed} passed, {failed} failed")
'
}

if ! step "setup" bash scripts/setup.sh; then
    summary
    echo "setup failed: nothing else can run" >&2
    exit 1
fi
export VIRTUAL_ENV="$PWD/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"

step "cargo test --release" cargo test --release --no-fail-fast

run_pytest() {
    python -m pytest python/tests -W error -q "$@"
    local rc=$?
    if [[ $rc -eq 5 ]]; then
        echo "pytest collected no tests: that is a failure here" >&2
    fi
    return $rc
}
step "pytest" run_pytest

typecheck() {
    # The hand-written stub must match the extension, and the package must type-check.
    python -m mypy.stubtest capcast._native && python -m mypy python/capcast
}
step "mypy + stubtest" typecheck

POLARS_FLOOR="$(python -c 'from capcast._frames import MIN_POLARS; print(".".join(map(str, MIN_POLARS)) + ".0")')"
polars_floor() {
    # A second venv with the oldest polars capcast supports, sharing the built extension
    # (abi3) through PYTHONPATH; only the frame tests run there.
    local venv=.venv/polars-floor
    if [[ ! -x "$venv/bin/python" ]]; then
        python -m venv "$venv" || return 1
    fi
    if ! "$venv/bin/python" -c "import polars, sys; sys.exit(polars.__version__ != '$POLARS_FLOOR')" 2>/dev/null; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "polars==$POLARS_FLOOR" pyarrow pandas pytest || return 1
    fi
    PYTHONPATH="$PWD/python" "$venv/bin/python" -m pytest python/tests/test_frames.py \
        python/tests/test_billing.py -W error -q -p no:cacheprovider
}
if [[ "${CAPCAST_SKIP_POLARS_FLOOR:-0}" != "1" ]]; then
    step "pytest polars==$POLARS_FLOOR" polars_floor
fi

step "notebooks" python scripts/run_notebooks.py notebooks

summary
exit $FAILED
