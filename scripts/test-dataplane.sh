#!/usr/bin/env bash
# The data plane: requests through a real Traefik to stand-ins of the API node, with the objects the
# modules create in between (make test-dataplane; the Go test internal/testing/dataplane, TestDataplane,
# says what is checked).
#
#   scripts/test-dataplane.sh [go test flags, e.g. -stream-silence=3m -bench-rate=20 -bench-duration=60s]
#
# Everything runs in a network namespace and a mount namespace of its own (unshare, as root): its
# loopback is the only interface, so nothing is reachable from or sent outside this machine, and its
# ports do not collide with other tests. In it:
#   - the Kubernetes control plane of scripts/test-modules-kube.sh, with RBAC authorization (so the
#     ingress controller has exactly what the chart's ClusterRole grants), and Traefik's CRDs;
#   - the ingress chart (modules/cluster/charts/traefik-ingress) installed by helm, with the image
#     modules/cluster deploys by default (the Traefik binary is that release, built by
#     scripts/traefik-toolchain.sh);
#   - two addresses of "pods" on the loopback interface (192.0.2.10 and .11, TEST-NET-1): the API
#     server refuses loopback addresses (127.0.0.0/8) in EndpointSlices, and there is no kubelet
#     to give pods addresses; the stand-ins listen there;
#   - /etc/hosts replaced (bind mount) by a file the test fills: the network's hosts resolve to
#     127.0.0.1, where the test's load balancer listens on 80 and 443;
#   - the fake Secret Manager, serving the certificate the test makes for the network's hosts;
#   - the test binary, which runs Traefik and `terraform test -test-directory=tests/dataplane` of
#     modules/network.
#
# Needs root (unshare, ip, mount), openssl, curl, python3, and what scripts/test-modules-kube.sh
# needs. First run: the kube, module and Traefik toolchains are built (cached; Traefik several
# minutes).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
log() { printf '\n== %s\n' "$*" >&2; }

if [[ "${DATAPLANE_IN_NAMESPACE:-}" != 1 ]]; then
	[[ "$(id -u)" == 0 ]] || fail "needs root: it makes a network and a mount namespace of its own (unshare)"
	for c in unshare ip mount openssl curl python3; do
		command -v "$c" >/dev/null || fail "needs $c"
	done
	log "toolchains (cached)"
	kbin="$(scripts/kube-toolchain.sh | sed -n 's/^bin=//p')"
	tools="$(scripts/modules-toolchain.sh all)"
	mirror="$(sed -n 's/^mirror=//p' <<<"$tools")"
	helm="$(sed -n 's/^helm=//p' <<<"$tools")"
	traefik="$(scripts/traefik-toolchain.sh | sed -n 's/^bin=//p')"

	work="$(mktemp -d "${TMPDIR:-/tmp}/test-dataplane.XXXXXX")"
	trap 'rm -rf "$work"' EXIT # until the namespaces take over
	# The test runs Traefik as the chart's non-root user, which reads its token under here.
	chmod 711 "$work"
	log "building the provider and the test (work dir $work)"
	smmirror="$work/spacemesh-mirror"
	go build -o "$smmirror/registry.terraform.io/spacemeshos/spacemesh/0.0.1/linux_amd64/terraform-provider-spacemesh_v0.0.1" .
	go test -c -tags dataplane -o "$work/dataplane.test" ./internal/testing/dataplane
	export DATAPLANE_IN_NAMESPACE=1 DATAPLANE_WORK="$work" KBIN="$kbin" MIRROR="$mirror" SMMIRROR="$smmirror" HELM="$helm" TRAEFIK_BIN="$traefik"
	exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi

# ---- inside the namespaces --------------------------------------------------------------------------
work="$DATAPLANE_WORK"
TERRAFORM="$(command -v "${TERRAFORM:-terraform}")"
export CHECKPOINT_DISABLE=1
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy NO_PROXY no_proxy KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
pids=()
fake_sm_pid=""
cleanup() {
	local rc=$?
	if [[ -n "$fake_sm_pid" ]]; then kill "$fake_sm_pid" 2>/dev/null || true; fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if ((rc == 0)); then rm -rf "$work"; else echo "logs kept in $work (traefik.log, terraform-test.log, apiserver.log)" >&2; fi
}
trap cleanup EXIT

ip link set lo up
pod_addrs=(192.0.2.10 192.0.2.11)
for a in "${pod_addrs[@]}"; do ip addr add "$a/32" dev lo; done
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

log "control plane on 127.0.0.1 (RBAC)"
# shellcheck source=scripts/kube-control-plane.sh
source "$repo/scripts/kube-control-plane.sh"
# The namespace has no default route to take the API server's advertised address from.
start_kube_control_plane "$work" "$KBIN" RBAC --advertise-address=127.0.0.1
install_traefik_crds

log "the ingress chart, by helm"
export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"
image="$(sed -n 's/.*image *= *optional(string, *"\(traefik:v[^"]*\)").*/\1/p' modules/cluster/variables.tf)"
"$HELM" install traefik modules/cluster/charts/traefik-ingress --kubeconfig "$work/kubeconfig" \
	--namespace ingress --create-namespace --set image="$image" --set ipAddress=203.0.113.10 >"$work/helm.log" 2>&1 ||
	{
		cat "$work/helm.log" >&2
		fail "helm install of the ingress chart"
	}
echo "installed modules/cluster/charts/traefik-ingress as release traefik in namespace ingress ($image)" >&2

log "terraform init of modules/network"
# shellcheck source=scripts/fake-secret-manager.sh
source "$repo/scripts/fake-secret-manager.sh"
mkdir -p "$work/secrets" "$work/steps"
start_fake_secret_manager "$work/secret-manager.log" "$work/secrets"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
cat >"$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$SMMIRROR"
    include = ["registry.terraform.io/spacemeshos/spacemesh"]
  }
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/*", "registry.terraform.io/cloudflare/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC
tree="$work/tree"
mkdir -p "$tree"
cp -r modules "$tree/modules"
find "$tree" \( -name .terraform -o -name .terraform.lock.hcl \) -prune -exec rm -rf {} +
"$TERRAFORM" -chdir="$tree/modules/network" init -input=false -no-color -test-directory=tests/dataplane >"$work/init.log" 2>&1 || {
	cat "$work/init.log" >&2
	fail "terraform init"
}

log "the test: Traefik, stand-ins, terraform test -test-directory=tests/dataplane"
printf '%s' "$token" >"$work/admin-token"
export KUBE_CONFIG_PATH="$work/kubeconfig" SPACEMESH_DISCOVERY_URL="file://$work/networks.json" \
	KUBE_SERVER="https://127.0.0.1:$api_port" KUBE_TOKEN_FILE="$work/admin-token" KUBE_CA_FILE="$pki/apiserver.crt" \
	TRAEFIK_NAMESPACE=ingress TRAEFIK_RELEASE=traefik TERRAFORM TF_MODULE_DIR="$tree/modules/network" \
	DATAPLANE_STEPS="$work/steps" DATAPLANE_SECRETS="$work/secrets" DATAPLANE_HOSTS="$work/hosts" \
	DATAPLANE_POD_ADDRS="$(
		IFS=,
		echo "${pod_addrs[*]}"
	)"
start=$(date +%s)
rc=0
(cd "$repo/internal/testing/dataplane" && "$work/dataplane.test" -test.v -test.count=1 -test.timeout=40m -test.run '^TestDataplane$' "$@") || rc=$?
echo "test-dataplane: the test took $(($(date +%s) - start))s" >&2
[[ -f "$work/benchmark.txt" ]] && cat "$work/benchmark.txt"
exit "$rc"
