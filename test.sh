#!/usr/bin/env bash
# Runs every test of the solution and prints one summary line from the real results:
#   tests: N passed, N failed, N skipped
# Prepares what the tests need inside the repository first (npm packages and compiled contracts under
# infra/contracts, Azurite under infra/test-servers, HPKE interop peers under tests/npm). Real-evidence tests read
# KMS_TESTDATA (the shared testdata folder) and skip without it.
set -euo pipefail
cd "$(dirname "$0")"

if [ -f infra/contracts/package.json ]; then
  # npm install, not npm ci: the lock file lists only the foundry builds for this platform. --no-save keeps it
  # (and the work tree) unchanged.
  npm install --prefix infra/contracts --no-audit --no-fund --loglevel=error --no-save
  npm run --prefix infra/contracts --silent build
fi

if [ -f infra/test-servers/package.json ]; then
  # Azurite for the Azure Storage provider tests. npm ci installs exactly the lock file and never rewrites it;
  # it is skipped while node_modules already matches the lock file (installing takes about two minutes).
  if [ ! -f infra/test-servers/node_modules/.package-lock.json ] ||
     [ infra/test-servers/package-lock.json -nt infra/test-servers/node_modules/.package-lock.json ]; then
    npm ci --prefix infra/test-servers --no-audit --no-fund --loglevel=error
  fi
fi

if [ -f tests/npm/package.json ]; then
  # Independent implementations (npm @hpke/core) that the crypto interop tests run; --no-save keeps the lock file.
  npm install --prefix tests/npm --no-audit --no-fund --loglevel=error --no-save
fi

results=TestResults
rm -rf "$results"
status=0
# Skipped tests are summarised once per project below instead of one console line each.
dotnet test Orleans.Kms.sln --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" 2>&1 \
  | awk '!/\[SKIP\]$/ && !/^  Skipped /' || status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  # awk stops at the first match itself: `grep | head` would die of SIGPIPE under pipefail on a large trx file.
  counters=$(awk 'match($0, /<Counters [^>]*>/) { print substr($0, RSTART, RLENGTH); exit }' "$trx")
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed)
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # Skipped tests are counted in total but not in executed.
  skipped=$((skipped + total - executed))
  if [ "$total" -gt "$executed" ]; then
    project=$(awk 'match($0, /storage="[^"]*"/) { print substr($0, RSTART, RLENGTH); exit }' "$trx" | sed 's|.*/||; s|\.dll"$||')
    echo "skipped $((total - executed)) in $project:"
    awk '/outcome="NotExecuted"/{s=1} s && /<Message>/{m=$0; sub(/.*<Message>/,"",m); sub(/<\/Message>.*/,"",m); print m; s=0}
         /<\/UnitTestResult>/{s=0}' "$trx" | sort | uniq -c | sort -rn | sed 's/^ *\([0-9]*\) /  \1 × /'
  fi
done

if [ "$files" -eq 0 ]; then
  echo "no test results were written (build failure?)" >&2
  status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
