#!/usr/bin/env bash
# Prepares a fresh data dir from the fixtures and serves the built dashboard on it.
set -euo pipefail
port="$1"
cd "$(dirname "$0")/../.."
export CUSTODY_DATA_DIR="${E2E_DATA_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/custody-e2e-XXXXXX")}"
unset CLICKHOUSE_URL DATABASE_URL NEXTAUTH_SECRET
# Sign-in: the demo users (one per role), and the local OpenID provider that
# test/e2e/auth.spec.ts starts on E2E_OIDC_PORT (test/e2e/oidc-provider.mjs).
export NEXTAUTH_URL="http://127.0.0.1:$port"
export CUSTODY_OIDC_ISSUER="http://127.0.0.1:${E2E_OIDC_PORT:-3200}"
export CUSTODY_OIDC_CLIENT_ID=custody CUSTODY_OIDC_CLIENT_SECRET=custody-e2e-client-secret
npx tsx test/e2e/seed-users.ts >&2
npm run -s custody -- ingest --source okta test/fixtures/e2e/okta.ndjson >&2
npm run -s custody -- ingest --source gateway test/fixtures/e2e/gateway.ndjson >&2
if [ ! -f .next/BUILD_ID ] || [ -n "${E2E_REBUILD:-}" ]; then npx next build >&2; fi
exec node node_modules/next/dist/bin/next start -p "$port" -H 127.0.0.1
