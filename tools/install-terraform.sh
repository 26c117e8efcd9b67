#!/usr/bin/env bash
# Builds Terraform 1.11.4 from source through the Go module proxy, for machines that have no
# terraform binary and cannot download HashiCorp's release zip.
#
# Usage: tools/install-terraform.sh [DEST_DIR]
#   DEST_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-spacemesh/terraform/1.11.4
#
# The binary's path is the last line on stdout; everything else goes to stderr, so callers can do
#   TF_ACC_TERRAFORM_PATH="$(tools/install-terraform.sh | tail -n1)"
# A cached binary that reports the right version is reused, so a second run takes a moment.
# The script only builds: whether to prefer a terraform already on PATH is the caller's choice.
# A cold build takes about 8 CPU-minutes (4-5 minutes on 2 idle cores, longer on a busy one)
# and 1.4 GB of memory, plus the module downloads on first use; run it under `nice` on a
# shared machine.
set -euo pipefail

TF_VERSION=1.11.4
# `go install github.com/hashicorp/terraform@v1.11.4` is refused because terraform's go.mod has
# replace directives for its nested modules. A wrapper module can carry those replaces itself,
# pointing each nested module at the pseudo-version published for the v1.11.4 commit.
TF_NESTED_VERSION=v0.0.0-20250409131005-35645b8fca68
TF_NESTED_MODULES=(
	internal/backend/remote-state/azure
	internal/backend/remote-state/consul
	internal/backend/remote-state/cos
	internal/backend/remote-state/gcs
	internal/backend/remote-state/kubernetes
	internal/backend/remote-state/oss
	internal/backend/remote-state/pg
	internal/backend/remote-state/s3
	internal/legacy
)

dest="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-spacemesh/terraform/${TF_VERSION}}"
bin="${dest}/terraform"

log() { printf 'install-terraform: %s\n' "$*" >&2; }

# Checkpoint would try to phone home on `version`; the machine may have no internet.
export CHECKPOINT_DISABLE=1

# `terraform version` may print warnings (e.g. about a missing CLI config file) before the
# version line, on stdout; look for the line itself.
has_version() {
	[[ -x "$1" ]] || return 1
	"$1" version 2>/dev/null | grep -qx "Terraform v${TF_VERSION}"
}

if has_version "$bin"; then
	log "reusing ${bin}"
	printf '%s\n' "$bin"
	exit 0
fi

command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
mkdir -p "$dest"

# Two concurrent runs (e.g. parallel CI jobs) would each spend minutes building; serialize them
# and let the second one reuse the first one's result.
if command -v flock >/dev/null; then
	exec 9>"${dest}/.lock"
	flock 9
	if has_version "$bin"; then
		log "reusing ${bin} (built by a concurrent run)"
		printf '%s\n' "$bin"
		exit 0
	fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/install-terraform.XXXXXX")"
trap 'rm -rf "$work" "${bin}.tmp.$$"' EXIT

{
	echo "module spacemesh.local/terraform-build"
	echo
	echo "go 1.24"
	echo
	echo "require github.com/hashicorp/terraform v${TF_VERSION}"
	echo
	for m in "${TF_NESTED_MODULES[@]}"; do
		echo "replace github.com/hashicorp/terraform/${m} => github.com/hashicorp/terraform/${m} ${TF_NESTED_VERSION}"
	done
} >"${work}/go.mod"

# Without an import of terraform, `go mod tidy` would drop the requirement again.
cat >"${work}/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/hashicorp/terraform"
GO

start=$SECONDS
log "resolving modules in ${work}"
# GOWORK=off: a go.work in a parent of TMPDIR must not pull this module into a workspace.
(cd "$work" && GOWORK=off go mod tidy >&2)
log "building terraform ${TF_VERSION} (this takes several minutes)"
# Build to a temporary name and rename, so an interrupted build never leaves a broken binary
# at the path a later run would trust. version.dev=no is what HashiCorp's release build sets
# (scripts/build.sh); without it the binary calls itself "1.11.4-dev".
(cd "$work" && GOWORK=off go build -trimpath \
	-ldflags "-s -w -X 'github.com/hashicorp/terraform/version.dev=no'" \
	-o "${bin}.tmp.$$" github.com/hashicorp/terraform)
mv -f "${bin}.tmp.$$" "$bin"

if ! has_version "$bin"; then
	log "built ${bin}, but it does not report v${TF_VERSION}:"
	"$bin" version >&2 2>&1 || true
	exit 1
fi
log "built in $((SECONDS - start))s"
printf '%s\n' "$bin"
