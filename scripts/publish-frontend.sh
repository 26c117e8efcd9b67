#!/usr/bin/env bash
# Publishes a build of scripts/build-frontend.sh into the bucket of modules/static-web, in the operator's
# CI, before the terraform apply that switches to it:
#
#   scripts/publish-frontend.sh -bucket BUCKET -frontend KEY -release TAG -dir OUT/KEY/TAG
#
# Every file goes to gs://BUCKET/KEY/TAG/ with the Content-Type and Cache-Control of
# modules/static-web/content-types.json (index.html no-cache, hashed assets immutable), create-only: a
# published file is never overwritten (a re-run with the same bytes changes nothing and finishes a
# publish that failed part-way; another build of a published release is refused before anything is
# uploaded). The top-level index.html is written last, so the module's plan-time check (the release's
# index.html is in the bucket) means the whole release is there. Credentials: Application Default
# Credentials.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/publish-frontend.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
go build -C "$repo" -o "$tmp/publish-frontend" ./tools/publish-frontend
"$tmp/publish-frontend" -mapping "$repo/modules/static-web/content-types.json" "$@"
