#!/usr/bin/env bash
# Optional (stretch) test of modules/network against a real Kubernetes API server, no Docker:
# etcd + kube-apiserver + kube-controller-manager on 127.0.0.1 (no scheduler or kubelet, so pods
# stay Pending), then `terraform test -test-directory=tests/kube` in modules/network, in which the
# real kubernetes and helm providers install the module's objects and its helm release
# (helm_wait = false; Traefik's CRDs from modules/cluster/charts/traefik-ingress/crds are installed
# first, as the cluster's ingress chart installs them), upgrade the node release, and destroy
# everything again. The objects are read back from the API server while installed.
#
#   scripts/test-modules-kube.sh
#
# Needs what scripts/test-modules.sh needs, plus openssl and curl. The first run builds
# kube-apiserver and kube-controller-manager (scripts/kube-toolchain.sh, about 9 minutes, cached).
# Ports: KUBE_TEST_ETCD_PORT (default 23790), KUBE_TEST_API_PORT (default 26443).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
TERRAFORM="${TERRAFORM:-terraform}"
export CHECKPOINT_DISABLE=1

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
log() { printf '\n== %s\n' "$*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/test-modules-kube.XXXXXX")"
pids=()
fake_sm_pid=""
cleanup() {
	local rc=$?
	if [[ -n "$fake_sm_pid" ]]; then kill "$fake_sm_pid" 2>/dev/null || true; fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if ((rc == 0)); then rm -rf "$work"; else echo "logs kept in $work" >&2; fi
}
trap cleanup EXIT

# shellcheck source=scripts/fake-secret-manager.sh
source "$repo/scripts/fake-secret-manager.sh"

log "toolchain (cached)"
kbin="$(scripts/kube-toolchain.sh | sed -n 's/^bin=//p')"
mirror="$(scripts/modules-toolchain.sh mirror | sed -n 's/^mirror=//p')"
smmirror="$work/spacemesh-mirror"
go build -o "$smmirror/registry.terraform.io/spacemeshos/spacemesh/0.0.1/linux_amd64/terraform-provider-spacemesh_v0.0.1" .

log "control plane on 127.0.0.1"
# shellcheck source=scripts/kube-control-plane.sh
source "$repo/scripts/kube-control-plane.sh"
start_kube_control_plane "$work" "$kbin" AlwaysAllow

log "Traefik's CRDs (as modules/cluster's ingress chart installs them)"
install_traefik_crds

log "terraform test -test-directory=tests/kube (real kubernetes and helm providers)"
start_fake_secret_manager "$work/secret-manager.log"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
cat >"$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$smmirror"
    include = ["registry.terraform.io/spacemeshos/spacemesh"]
  }
  filesystem_mirror {
    path    = "$mirror"
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
export KUBE_CONFIG_PATH="$kubeconfig"
export SPACEMESH_DISCOVERY_URL="file://$work/networks.json"
"$TERRAFORM" -chdir="$tree/modules/network" init -input=false -no-color >"$work/init.log" 2>&1 || {
	cat "$work/init.log" >&2
	fail "terraform init"
}

# The objects are inspected while the releases are installed: the test is run up to the upgrade,
# the cluster is looked at, then the destroy is checked.
out="$work/test.log"
start=$(date +%s)
"$TERRAFORM" -chdir="$tree/modules/network" test -no-color -verbose -test-directory=tests/kube >"$out" 2>&1 &
tpid=$!

ns=spacemesh-118
seen=0
for _ in $(seq 1 240); do
	if api "/apis/apps/v1/namespaces/$ns/statefulsets/api-node" >/dev/null 2>&1 &&
		api "/api/v1/namespaces/$ns/pods" 2>/dev/null | grep -q '"name": *"api-node-1"' &&
		api "/apis/traefik.io/v1alpha1/namespaces/$ns/ingressroutes/api-node-grpc" >/dev/null 2>&1; then
		seen=1
		break
	fi
	kill -0 "$tpid" 2>/dev/null || break
	sleep 0.5
done
if ((seen)); then
	api "/api/v1/namespaces/$ns/services" >"$work/services.json"
	api "/apis/apps/v1/namespaces/$ns/statefulsets" >"$work/statefulsets.json"
	api "/apis/networking.k8s.io/v1/namespaces/$ns/ingresses" >"$work/ingresses.json"
	api "/api/v1/namespaces/$ns/pods" >"$work/pods.json"
	api "/apis/traefik.io/v1alpha1/namespaces/$ns/ingressroutes" >"$work/ingressroutes.json"
	api "/apis/traefik.io/v1alpha1/namespaces/$ns/serverstransports" >"$work/serverstransports.json"
	api "/apis/networking.k8s.io/v1/namespaces/$ns/networkpolicies" >"$work/networkpolicies.json"
	api "/apis/batch/v1/namespaces/$ns/cronjobs" >"$work/cronjobs.json"
	api "/api/v1/namespaces/$ns/secrets/spacemesh-118-tls" >"$work/tls-secret.json" || true
fi
wait "$tpid" || {
	grep -E 'run "|Error' -A12 "$out" >&2 || true
	fail "terraform test against the API server"
}
echo "terraform test (install, upgrade, destroy) took $(($(date +%s) - start))s" >&2
grep -E '^  run "[^"]+"\.\.\. |^(Success|Failure)' "$out" >&2

((seen)) || fail "the StatefulSets' pods never appeared (admission refused them?); see $work/controller-manager.log"
py() { python3 -c "$1" "${@:2}"; }
# Nothing public on the node's private port or the stats API's refresh and metrics ports.
py '
import json, sys
svcs = json.load(open(sys.argv[1]))["items"]
bad = [(s["metadata"]["name"], p) for s in svcs for p in s["spec"]["ports"]
       if p["port"] in (9093, 5050, 5070) or p.get("targetPort") in (9093, 5050, 5070, "stats-refresh", "stats-metrics")]
sys.exit("Services carry private ports: %r" % bad if bad else 0)
' "$work/services.json" || fail "a Service carries a private port"
py '
import json, sys
pols = {p["metadata"]["name"]: p["spec"] for p in json.load(open(sys.argv[1]))["items"]}
ports = sorted(int(p["port"]) for r in pols["allow-from-ingress-controller"]["ingress"] for p in r["ports"])
assert ports == [5000, 9091, 9092], "ingress controller admitted to %r" % ports
refresh = pols["allow-stats-refresh"]["ingress"][0]
assert [int(p["port"]) for p in refresh["ports"]] == [5050], refresh
assert refresh["from"] == [{"podSelector": {"matchLabels": {"spacemesh.io/stats-refresher": "true"}}}], refresh["from"]
assert pols["default-deny-ingress"]["podSelector"] == {} and pols["default-deny-ingress"]["policyTypes"] == ["Ingress"]
' "$work/networkpolicies.json" || fail "network policies on the API server"
# The content-type route, as the API server stored it (schema-validated by the traefik.io CRDs).
py '
import json, sys
r = {x["metadata"]["name"]: x for x in json.load(open(sys.argv[1]))["items"]}["api-node-grpc"]
route = r["spec"]["routes"][0]
assert route["match"] == "Host(`118.api.example.org`) && HeaderRegexp(`Content-Type`, `^application/grpc($|[+;])`)", route["match"]
svc = route["services"][0]
assert (svc["name"], svc["port"], svc["scheme"], svc["serversTransport"]) == ("api-node-grpc", 9092, "h2c", "api-node-grpc"), svc
assert r["spec"]["entryPoints"] == ["websecure"] and r["spec"]["tls"]["secretName"] == "spacemesh-118-tls"
st = {x["metadata"]["name"]: x["spec"] for x in json.load(open(sys.argv[2]))["items"]}
assert st["api-node-grpc"]["forwardingTimeouts"]["responseHeaderTimeout"] == "0s", st
assert st["api-node-json"]["forwardingTimeouts"]["responseHeaderTimeout"] == "60s", st
' "$work/ingressroutes.json" "$work/serverstransports.json" || fail "the gRPC route on the API server"
py '
import json, sys
ss = {x["metadata"]["name"]: x for x in json.load(open(sys.argv[1]))["items"]}["api-node"]
assert ss["spec"]["volumeClaimTemplates"], "no volume claim templates"
assert ss["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] == "Retain", ss["spec"]["persistentVolumeClaimRetentionPolicy"]
c = {x["name"]: x for x in ss["spec"]["template"]["spec"]["containers"]}["stats-api"]
env = {e["name"]: e["value"] for e in c["env"]}
assert env["SPACEMESH_SQLITE"] == "/data/state.sql" and env["SPACEMESH_LABELS_PER_UNIT"] == "4096" and env["SPACEMESH_TESTNET"] == "true", env
assert [m.get("readOnly") for m in c["volumeMounts"] if m["name"] == "data"] == [True]
' "$work/statefulsets.json" || fail "the API node StatefulSet on the API server"
grep -q '"api-node-stats-refresh"' "$work/cronjobs.json" || fail "the stats refresh CronJob was not created"
# The certificate reached the Secret through write-only data, read ephemerally from (fake) Secret
# Manager: the Secret holds what Secret Manager served, and Terraform never stored it.
py '
import base64, json, sys
s = json.load(open(sys.argv[1]))
assert s["type"] == "kubernetes.io/tls", s["type"]
got = {k: base64.b64decode(v).decode() for k, v in s["data"].items()}
assert got == {"tls.crt": "-----BEGIN TEST PEM----- t118-crt", "tls.key": "-----BEGIN TEST PEM----- t118-key"}, got
' "$work/tls-secret.json" || fail "the TLS Secret on the API server does not hold what Secret Manager served"
grep -q ':access' "$work/secret-manager.log" || fail "the TLS certificate was not read through the ephemeral Secret Manager resource"
[[ "$(grep -c '"secretName": *"spacemesh-118-tls"' "$work/ingresses.json")" -ge 2 ]] || fail "every Ingress must terminate TLS with the network's certificate"
for p in api-node-0 api-node-1; do
	grep -q "\"name\": *\"$p\"" "$work/pods.json" || fail "pod $p was not admitted (Pod Security baseline) or not created"
done
echo "objects on the API server: pods (node + stats API) admitted under Pod Security baseline; no Service on 9093, 5050 or 5070; the ingress controller admitted to 5000/9091/9092 only and the refresher to 5050; the gRPC IngressRoute by Content-Type (h2c to 9092) with its ServersTransport; volumes retained; refresh CronJob; the TLS Secret filled from Secret Manager through write-only data; TLS on every Ingress" >&2

# The upgrade plan with the real helm provider: in-place upgrades only.
sec="$(awk '/^  run "plan_node_upgrade"\.\.\. /{on=1;next} on&&/^  run "/{exit} on{print}' "$out")"
grep -q 'helm_release.api_node will be updated in-place' <<<"$sec" || fail "the real helm provider must upgrade the API node release in place"
! grep -q 'must be replaced' <<<"$sec" || fail "a node upgrade must replace nothing (real providers): $(grep 'must be replaced' <<<"$sec")"
echo "node upgrade with the real helm and kubernetes providers: in-place" >&2

# After the test's destroy the namespace is gone (the controller manager finished deleting it).
for _ in $(seq 1 60); do
	api "/api/v1/namespaces/$ns" >/dev/null 2>&1 || break
	sleep 1
done
! api "/api/v1/namespaces/$ns" >/dev/null 2>&1 || fail "namespace $ns still exists after destroy"
echo "destroy removed the namespace and everything in it" >&2
