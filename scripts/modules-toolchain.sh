#!/usr/bin/env bash
# Builds, once, the offline toolchain the Terraform module tests need, and caches it:
#
#   <cache>/mirror/            unpacked filesystem provider mirror (hashicorp/google, helm, kubernetes built
#                              from the Go module proxy; cloudflare/cloudflare served by tools/schemaprovider
#                              from its recorded schema)
#   <cache>/mirror-stamps/     what each cached binary was built from (rebuilt when that changes)
#   <cache>/helm/<version>/helm the helm CLI
#
# <cache> is ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-spacemesh. The spacemesh provider itself is
# not cached here: scripts/test-modules.sh rebuilds it from this checkout on every run.
#
# Usage: scripts/modules-toolchain.sh [mirror|helm|all]   (default: all)
# Prints "mirror=<path>" and "helm=<path>" on stdout; progress goes to stderr.
#
# Builds run one at a time under `nice` (the big ones take 1.5-3 min and 1-2 GB each on 2 cores) and are
# serialised across concurrent callers with flock. Only the Go module proxy is used.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-spacemesh"
mirror="${cache}/mirror"
stamps="${cache}/mirror-stamps"
platform="linux_amd64"
nice_cmd=(nice -n "${NICE_LEVEL:-10}")

HELM_VERSION="v3.16.4"

# address | reported version | Go module | Go module version (the proxy serves one main-branch snapshot of
# each; see OFFLINE-TOOLCHAIN.md)
PROVIDERS=(
	"hashicorp/google|8.0.0|github.com/hashicorp/terraform-provider-google|v1.20.1-0.20260828184646-f3721fb45fa3"
	"hashicorp/helm|3.2.0|github.com/hashicorp/terraform-provider-helm|v1.3.3-0.20260629194918-a4f1c1d8b008"
	"hashicorp/kubernetes|3.2.1|github.com/hashicorp/terraform-provider-kubernetes|v1.13.4-0.20260821094251-3a33fb6cc605"
)
# Providers served from a schema by tools/schemaprovider: cloudflare is too big to build in CI (55 min,
# 17 GB; its schema was recorded from the real binary); hashicorp/http (used by the check blocks of
# examples/testnet) has no version the Go module proxy here serves (its schema is transcribed from its
# source). Both are for `terraform validate` and mock_provider tests only.
SCHEMA_PROVIDERS=(
	"cloudflare/cloudflare|5.24.0|cloudflare-cloudflare-5.24.0.json.gz"
	"hashicorp/http|3.5.0|hashicorp-http-3.5.0.json"
)

log() { printf 'modules-toolchain: %s\n' "$*" >&2; }

bin_path() { # ns/name version
	local addr="$1" ver="$2" name="${1#*/}"
	printf '%s/registry.terraform.io/%s/%s/%s/terraform-provider-%s_v%s' "$mirror" "$addr" "$ver" "$platform" "$name" "$ver"
}

stamp_ok() { # file expected
	[[ -f "$1" ]] && [[ "$(cat "$1")" == "$2" ]]
}

build_from_proxy() { # addr version module modversion
	local addr="$1" ver="$2" mod="$3" modver="$4"
	local out stamp want
	out="$(bin_path "$addr" "$ver")"
	stamp="${stamps}/${addr//\//-}-${ver}"
	want="${mod}@${modver} ${platform}"
	if [[ -x "$out" ]] && stamp_ok "$stamp" "$want"; then
		log "cached ${addr} ${ver}"
		return
	fi
	log "building ${addr} ${ver} from ${mod}@${modver} (this takes minutes)"
	local start work dir
	start=$(date +%s)
	work="$(mktemp -d "${cache}/build.XXXXXX")"
	# Outside any module, so no go.mod is touched; the module cache copy is read-only, hence the copy.
	dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "${mod}@${modver}" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
	[[ -n "$dir" && -d "$dir" ]] || { log "go mod download ${mod}@${modver} gave no directory"; exit 1; }
	cp -r "$dir" "$work/src"
	chmod -R u+w "$work/src"
	mkdir -p "$(dirname "$out")"
	(cd "$work/src" && GOFLAGS=-mod=mod CGO_ENABLED=0 "${nice_cmd[@]}" go build -trimpath -ldflags "-s -w" -o "${out}.tmp" .)
	mv -f "${out}.tmp" "$out"
	mkdir -p "$stamps"
	printf '%s' "$want" >"$stamp"
	rm -rf "$work"
	log "built ${addr} ${ver} in $(($(date +%s) - start))s"
}

build_schema_provider() { # addr version schemafile
	local addr="$1" ver="$2" file="$3" name="${1#*/}"
	local out stamp want src
	out="$(bin_path "$addr" "$ver")"
	stamp="${stamps}/${addr//\//-}-${ver}"
	src="${repo}/tools/schemaprovider"
	[[ -f "${src}/schemas/${file}" ]] || { log "missing ${src}/schemas/${file}"; exit 1; }
	# Rebuilt whenever the stand-in's sources or the recorded schema change.
	want="schemaprovider $(cat "${src}"/*.go "${src}/schemas/${file}" | sha256sum | cut -d' ' -f1) ${platform}"
	if [[ -x "$out" ]] && stamp_ok "$stamp" "$want"; then
		log "cached ${addr} ${ver} (schema-only stand-in)"
		return
	fi
	log "building schema-only stand-in for ${addr} ${ver}"
	local start
	start=$(date +%s)
	mkdir -p "$(dirname "$out")"
	(cd "$repo" && CGO_ENABLED=0 "${nice_cmd[@]}" go build -trimpath \
		-ldflags "-s -w -X main.providerAddress=registry.terraform.io/${addr} -X main.providerVersion=${ver} -X main.schemaFile=${file}" \
		-o "${out}.tmp" ./tools/schemaprovider)
	mv -f "${out}.tmp" "$out"
	mkdir -p "$stamps"
	printf '%s' "$want" >"$stamp"
	log "built ${name} stand-in in $(($(date +%s) - start))s"
}

build_mirror() {
	local p addr ver mod modver file
	for p in "${PROVIDERS[@]}"; do
		IFS='|' read -r addr ver mod modver <<<"$p"
		build_from_proxy "$addr" "$ver" "$mod" "$modver"
	done
	for p in "${SCHEMA_PROVIDERS[@]}"; do
		IFS='|' read -r addr ver file <<<"$p"
		build_schema_provider "$addr" "$ver" "$file"
	done
	printf 'mirror=%s\n' "$mirror"
}

build_helm() {
	local dir="${cache}/helm/${HELM_VERSION}"
	if [[ -x "${dir}/helm" ]] && "${dir}/helm" version --short 2>/dev/null | grep -qE "^${HELM_VERSION//./\\.}(\\+|$)"; then
		log "cached helm ${HELM_VERSION}"
	else
		log "building helm ${HELM_VERSION} (about 3 minutes)"
		local start
		start=$(date +%s)
		mkdir -p "$dir"
		# helm reports the version set at link time (go install alone leaves "v3.16").
		(cd "$cache" && GOBIN="$dir" CGO_ENABLED=0 "${nice_cmd[@]}" go install -trimpath \
			-ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}")
		log "built helm in $(($(date +%s) - start))s"
	fi
	printf 'helm=%s\n' "${dir}/helm"
}

mkdir -p "$cache"
exec 9>"${cache}/.modules-toolchain.lock"
flock 9

case "${1:-all}" in
mirror) build_mirror ;;
helm) build_helm ;;
all)
	build_mirror
	build_helm
	;;
*)
	echo "usage: $0 [mirror|helm|all]" >&2
	exit 2
	;;
esac
