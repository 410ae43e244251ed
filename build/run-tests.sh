#!/usr/bin/env bash
# `make test`: builds the solution, runs every test executable under tests/ (each tests/*/ with a csproj whose
# OutputType is Exe), and ends with one line `N passed, N failed[, N skipped]`. Exits non-zero when any test failed,
# a project did not build, or a runner crashed (each counts as a failure).
#
# Two lanes run side by side: end-to-end projects (csproj property <BootsQemu>true</BootsQemu>) one after the
# other, and all other projects one after the other. Logs and xunit XML go to artifacts/test-results/.
#
# Env: TEST_FILTER=regex (only projects whose name matches), TEST_SUITE=name (only tests with the trait Suite=name;
#      without it, tests with a Suite trait are left out; none has one at present),
#      TEST_TIMEOUT=seconds per runner (default 2400),
#      CORRALOS_ACCEL=tcg|kvm, CORRALOS_MAX_VMS, CORRALOS_KEEP_VMS=1 (see docs/testing.md).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DOTNET=${DOTNET:-dotnet}
RESULTS=$ROOT/artifacts/test-results
TEST_TIMEOUT=${TEST_TIMEOUT:-2400}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# Each VM's work directory (console.log, qemu.log; kept whole when it failed) lands here.
export CORRALOS_TEST_DIR=${CORRALOS_TEST_DIR:-$ROOT/artifacts/test-vms}
rm -rf "$RESULTS" "$ROOT/artifacts/test-vms"
mkdir -p "$RESULTS" "$CORRALOS_TEST_DIR"
# The build test makes two whole builds (~6 GB) beside the VMs' disks: a full disk shows up as a failing test.
echo "run-tests: free space: $(df -h --output=avail "$ROOT" | tail -1 | tr -d ' ') under $ROOT, $(df -h --output=avail "${TMPDIR:-/tmp}" | tail -1 | tr -d ' ') under ${TMPDIR:-/tmp}"

passed=0 failed=0 skipped=0
summary() {
  local line="$passed passed, $failed failed"
  ((skipped)) && line+=", $skipped skipped"
  echo "$line"
}

# --- discover -----------------------------------------------------------------------------------------------------
projects=()
for csproj in tests/*/*.csproj; do
  [[ -f $csproj ]] || continue
  grep -q '<OutputType>Exe</OutputType>' "$csproj" || continue
  name=$(basename "$csproj" .csproj)
  [[ -n ${TEST_FILTER:-} && ! $name =~ $TEST_FILTER ]] && continue
  projects+=("$csproj")
done
if ((${#projects[@]} == 0)); then
  echo "run-tests: no test projects found under tests/"
  summary
  exit 1
fi
echo "run-tests: ${#projects[@]} test projects: ${projects[*]}"

# --- build --------------------------------------------------------------------------------------------------------
# One solution build (parallel, shared dependencies built once); when it fails, build the test projects one by one so
# that only the ones that really do not build are counted as failures.
declare -A broken=()
if ! "$DOTNET" build CorralOS.slnx -c Release -nologo -v quiet -clp:ErrorsOnly >"$RESULTS/build.log" 2>&1; then
  echo "run-tests: the solution did not build; building test projects one by one"
  grep -E 'error' "$RESULTS/build.log" | sort -u | head -40
  for csproj in "${projects[@]}"; do
    name=$(basename "$csproj" .csproj)
    if ! "$DOTNET" build "$csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$RESULTS/$name.build.log" 2>&1; then
      echo "run-tests: $name does not build (artifacts/test-results/$name.build.log):"
      grep -E 'error' "$RESULTS/$name.build.log" | sort -u | head -20
      broken[$name]=1
      ((failed++))
    fi
  done
fi

# --- run ----------------------------------------------------------------------------------------------------------
e2e=() unit=()
for csproj in "${projects[@]}"; do
  name=$(basename "$csproj" .csproj)
  [[ -n ${broken[$name]:-} ]] && continue
  if grep -q '<BootsQemu>true</BootsQemu>' "$csproj"; then e2e+=("$csproj"); else unit+=("$csproj"); fi
done

# Suites (trait Suite=...) run only when asked for by name.
if [[ -n ${TEST_SUITE:-} ]]; then suite_args=(-trait "Suite=$TEST_SUITE"); else suite_args=(-trait- "Suite=*"); fi

run_one() {
  local csproj=$1 name dll rc
  name=$(basename "$csproj" .csproj)
  dll=$("$DOTNET" msbuild "$csproj" -nologo -getProperty:TargetPath -p:Configuration=Release 2>/dev/null | tail -1)
  if [[ ! -f $dll ]]; then
    echo "test executable for $name not found ($dll)" >"$RESULTS/$name.log"
    echo 127 >"$RESULTS/$name.rc"
    return
  fi
  echo "run-tests: started $name"
  # SIGTERM on timeout: the harness kills its QEMUs on the way out.
  (cd "$(dirname "$dll")" && timeout -k 30 "$TEST_TIMEOUT" "$DOTNET" "$dll" -noColor "${suite_args[@]}" -xml "$RESULTS/$name.xml") \
    >"$RESULTS/$name.log" 2>&1
  rc=$?
  echo "$rc" >"$RESULTS/$name.rc"
  echo "run-tests: finished $name (exit $rc)"
}

run_lane() {
  local csproj
  for csproj in "$@"; do run_one "$csproj"; done
}

run_lane "${e2e[@]}" &
e2e_pid=$!
run_lane "${unit[@]}" &
unit_pid=$!
trap 'kill $e2e_pid $unit_pid 2>/dev/null' INT TERM
wait $e2e_pid $unit_pid

# --- report -------------------------------------------------------------------------------------------------------
for csproj in "${unit[@]}" "${e2e[@]}"; do
  name=$(basename "$csproj" .csproj)
  rc=$(cat "$RESULTS/$name.rc" 2>/dev/null || echo 125)
  echo
  echo "=============== $name (exit $rc) ==============="
  cat "$RESULTS/$name.log" 2>/dev/null
  line=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$RESULTS/$name.log" 2>/dev/null | tail -1)
  if [[ -z $line ]]; then
    echo "run-tests: $name crashed or printed no summary (exit $rc): counted as 1 failure"
    ((failed++))
    continue
  fi
  num() { sed -nE "s/.*$1: ([0-9]+).*/\1/p" <<<"$line"; }
  total=$(num Total) errors=$(num Errors) fails=$(num Failed) skips=$(num Skipped) notrun=$(num 'Not Run')
  notrun=${notrun:-0}
  passed=$((passed + total - fails - skips - notrun))
  failed=$((failed + fails + errors))
  skipped=$((skipped + skips + notrun))
  if ((rc != 0 && fails + errors == 0)); then
    echo "run-tests: $name exited $rc although no test failed: counted as 1 failure"
    ((failed++))
  fi
done

echo
echo "Console logs of the VMs: $CORRALOS_TEST_DIR (whole work directories are kept for VMs that failed)"
# CI shows only the end of the output: name every failed test again just above the summary, with the start of its
# message (the runner's lines after `[FAIL]`, up to the stack trace, at most 8).
for xml in "$RESULTS"/*.xml; do
  [[ -f $xml ]] || continue
  grep -oE '<test [^>]*result="Fail"[^>]*>' "$xml" | sed -nE 's/.* name="([^"]*)".*/\1/p' |
    sed -e 's/&quot;/"/g' -e 's/&amp;/\&/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' |
    while IFS= read -r test; do
      echo "run-tests: FAILED $test"
      awk -v test="$test" 'index($0, test " [FAIL]") { on = 1; n = 0; next }
        on && (/^ *Stack Trace:/ || ++n > 8) { exit }
        on { sub(/^ +/, "  "); print }' "${xml%.xml}.log"
    done
done
summary
((failed == 0))
