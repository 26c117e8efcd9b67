#!/usr/bin/env bash
# Builds, once, a local Kubernetes control plane for the optional cluster test
# (scripts/test-modules-kube.sh): kube-apiserver and kube-controller-manager from the Go module
# proxy, and etcd from Debian. Cached under ${XDG_CACHE_HOME:-~/.cache}/terraform-provider-spacemesh/kube.
#
# Prints "bin=<dir>" (holding kube-apiserver, kube-controller-manager, etcd) on stdout.
# The Kubernetes build takes about 9 minutes and 2 GB on 2 cores; it runs under nice.
set -euo pipefail

K8S_VERSION="v1.34.4"
STAGING_VERSION="v0.34.4"
STAGING=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
	cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
	cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms
	kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics
	mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller)

cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-spacemesh/kube"
bin="$cache/$K8S_VERSION"
log() { printf 'kube-toolchain: %s\n' "$*" >&2; }

mkdir -p "$bin"
exec 9>"$cache/.lock"
flock 9

if [[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" ]] &&
	"$bin/kube-apiserver" --version 2>/dev/null | grep -q "$K8S_VERSION"; then
	log "cached kube-apiserver and kube-controller-manager $K8S_VERSION"
else
	log "building kube-apiserver and kube-controller-manager $K8S_VERSION (about 9 minutes)"
	start=$(date +%s)
	w="$(mktemp -d "$cache/build.XXXXXX")"
	{
		echo "module kubewrapper"
		echo
		echo "go 1.24"
		echo
		echo "require k8s.io/kubernetes $K8S_VERSION"
		echo
		for m in "${STAGING[@]}"; do echo "replace k8s.io/$m => k8s.io/$m $STAGING_VERSION"; done
	} >"$w/go.mod"
	cat >"$w/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
GO
	ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
	(
		cd "$w"
		GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || GOFLAGS=-mod=mod go mod tidy
		for c in kube-apiserver kube-controller-manager; do
			CGO_ENABLED=0 nice -n "${NICE_LEVEL:-10}" go build -trimpath -ldflags "$ldflags" -o "$bin/$c.tmp" "k8s.io/kubernetes/cmd/$c"
			mv -f "$bin/$c.tmp" "$bin/$c"
		done
	)
	rm -rf "$w"
	log "built in $(($(date +%s) - start))s"
fi

if [[ -x "$bin/etcd" ]] && "$bin/etcd" --version >/dev/null 2>&1; then
	log "cached etcd"
elif command -v etcd >/dev/null; then
	ln -sf "$(command -v etcd)" "$bin/etcd"
else
	log "fetching Debian's etcd-server"
	w="$(mktemp -d "$cache/etcd.XXXXXX")"
	chmod 755 "$w" # apt's download user must be able to write here
	# A fresh machine may have no package lists yet: fetch them once and retry.
	(cd "$w" && { apt-get download etcd-server >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get download etcd-server >/dev/null 2>&1; }; } &&
		dpkg -x etcd-server_*.deb root)
	[[ -x "$w/root/usr/bin/etcd" ]] || {
		log "no usr/bin/etcd in Debian's etcd-server"
		exit 1
	}
	cp "$w/root/usr/bin/etcd" "$bin/etcd"
	rm -rf "$w"
fi

printf 'bin=%s\n' "$bin"
