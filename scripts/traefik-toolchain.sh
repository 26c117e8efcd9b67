#!/usr/bin/env bash
# Builds, once, the Traefik release that modules/cluster deploys (the default of its ingress.image,
# in modules/cluster/variables.tf) from the Go module proxy, for scripts/test-dataplane.sh. Cached
# under ${XDG_CACHE_HOME:-~/.cache}/terraform-provider-spacemesh/traefik/<version>/traefik.
#
# Prints "bin=<path of the traefik binary>" on stdout; progress goes to stderr.
# The first build takes several minutes and about 2 GB on 2 cores; it runs under nice and is
# serialised across concurrent callers with flock.
#
# `go install` refuses the module (its go.mod has replace directives), so the module is copied out of
# the module cache and built in place, with two repairs its go.mod needs to build from the proxy:
#   - `replace github.com/traefik/traefik/dynamic/ext => ./pkg/config/dynamic/ext`: that directory
#     is a nested module, which module zips leave out. It is Traefik's empty extension point for the
#     dynamic configuration (two empty structs, HTTP and Router, embedded inline in dynamic.HTTP and
#     dynamic.Router); an equally empty package is written in its place.
#   - `github.com/abbot/go-http-auth => github.com/containous/go-http-auth <2026 pseudo-version>`:
#     the proxy does not serve that pseudo-version, so the fork's commit the v3.7.9 release pinned
#     (GO_HTTP_AUTH below) is used. Only the basicAuth and digestAuth middlewares import it; the
#     project uses neither.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-spacemesh/traefik"
log() { printf 'traefik-toolchain: %s\n' "$*" >&2; }

# The one place the release is written down: modules/cluster's default image.
image="$(sed -n 's/.*image *= *optional(string, *"\(traefik:v[^"]*\)").*/\1/p' "$repo/modules/cluster/variables.tf")"
[[ "$image" =~ ^traefik:(v[0-9]+\.[0-9]+\.[0-9]+)$ ]] || {
	log "no default image traefik:vX.Y.Z found in modules/cluster/variables.tf (found '${image}')"
	exit 1
}
VERSION="${BASH_REMATCH[1]}"
MODULE="github.com/traefik/traefik/v${VERSION:1:1}"
GO_HTTP_AUTH="github.com/containous/go-http-auth@v0.4.1-0.20200324110947-a37a7636d23e"

dir="$cache/$VERSION"
bin="$dir/traefik"
mkdir -p "$dir"
exec 9>"$cache/.lock"
flock 9

if [[ -x "$bin" ]] && [[ "$("$bin" version 2>/dev/null | awk '$1 == "Version:" { print $2 }')" == "$VERSION" ]]; then
	log "cached traefik $VERSION"
else
	log "building traefik $VERSION from ${MODULE}@${VERSION} (several minutes on 2 cores)"
	start=$(date +%s)
	w="$(mktemp -d "$cache/build.XXXXXX")"
	src="$(cd "$w" && GOFLAGS=-mod=mod go mod download -json "${MODULE}@${VERSION}" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
	[[ -n "$src" && -d "$src" ]] || {
		log "go mod download ${MODULE}@${VERSION} gave no directory"
		exit 1
	}
	cp -r "$src" "$w/src"
	chmod -R u+w "$w/src"
	(
		cd "$w/src"
		grep -q '^replace github.com/traefik/traefik/dynamic/ext => ./pkg/config/dynamic/ext$' go.mod || {
			log "go.mod no longer replaces dynamic/ext with ./pkg/config/dynamic/ext: revisit this script"
			exit 1
		}
		mkdir -p pkg/config/dynamic/ext
		printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24\n' >pkg/config/dynamic/ext/go.mod
		printf '// Package ext is the empty extension point of the dynamic configuration.\npackage ext\n\n// HTTP extends dynamic.HTTP (nothing).\ntype HTTP struct{}\n\n// Router extends dynamic.Router (nothing).\ntype Router struct{}\n' \
			>pkg/config/dynamic/ext/ext.go
		go mod edit -replace "github.com/abbot/go-http-auth=${GO_HTTP_AUTH}"
		GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n "${NICE_LEVEL:-10}" go build -trimpath \
			-ldflags "-s -w -X ${MODULE}/pkg/version.Version=${VERSION}" -o "$bin.tmp" ./cmd/traefik
	)
	mv -f "$bin.tmp" "$bin"
	rm -rf "$w"
	log "built traefik $VERSION in $(($(date +%s) - start))s"
fi

printf 'bin=%s\n' "$bin"
