#!/usr/bin/env bash
# Runs every test of the solution and prints one summary line from the real results:
#   tests: N passed, N failed, N skipped
# Prepares what the tests need inside the repository first (npm packages and compiled contracts under
# infra/contracts, tests/npm). Real-evidence tests read KMS_TESTDATA (the shared testdata folder) and skip without it.
set -euo pipefail
cd "$(dirname "$0")"

if [ -f infra/contracts/package.json ]; then
  # npm install, not npm ci: the registry here has no darwin/win32 foundry builds, so the lock file cannot list them.
  npm install --prefix infra/contracts --no-audit --no-fund --loglevel=error
  npm run --prefix infra/contracts --silent build
fi

if [ -f tests/npm/package.json ]; then
  # Independent implementations (npm @hpke/core) that the crypto interop tests run.
  npm install --prefix tests/npm --no-audit --no-fund --loglevel=error
fi

results=TestResults
rm -rf "$results"
status=0
dotnet test Orleans.Kms.sln --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed)
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # Skipped tests are counted in total but not in executed.
  skipped=$((skipped + total - executed))
done

if [ "$files" -eq 0 ]; then
  echo "no test results were written (build failure?)" >&2
  status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
