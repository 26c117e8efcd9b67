#!/usr/bin/env bash
# Offline tests of the Terraform modules (modules/, examples/testnet) and their Helm charts.
#
#   scripts/test-modules.sh            everything below
#   scripts/test-modules.sh --no-charts skip the helm lint/template/assert step
#   scripts/test-modules.sh --charts-only only that step (and its fixture's init)
#
# Steps: build or reuse the provider mirror (scripts/modules-toolchain.sh; cached under
# ${XDG_CACHE_HOME:-~/.cache}/terraform-provider-spacemesh), build the spacemesh provider from this
# checkout, write a CLI config that installs only from those mirrors, then
#   1. terraform fmt -check -recursive
#   2. terraform init + validate of every module, example and fixture
#   3. terraform test of every module and of examples/testnet (cloud providers mocked; the spacemesh
#      provider real, writing to a file:// discovery document in a temporary directory)
#   4. checks on the plans the tests print (-verbose): release changes are in-place updates,
#      removing a network destroys all of its resources including its discovery entry
#   5. helm lint + helm template of every chart; rendered objects asserted; unsafe values refused
#
# Needs: go, terraform >= 1.11 (TERRAFORM=/path/to/terraform to choose one), the Go module proxy for
# the first run. Nothing is downloaded from the Terraform or Helm registries.
# scripts/test-modules-kube.sh (optional) installs the charts into a local kube-apiserver.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

run_charts=1
run_terraform=1
for arg in "$@"; do
	case "$arg" in
	--no-charts) run_charts=0 ;;
	--charts-only) run_terraform=0 ;;
	-h | --help)
		sed -n '2,20p' "$0"
		exit 0
		;;
	*)
		echo "unknown argument: $arg" >&2
		exit 2
		;;
	esac
done

TERRAFORM="${TERRAFORM:-terraform}"
export CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_test

t0=$(date +%s)
step_start=$t0
log() { printf '\n== %s\n' "$*" >&2; }
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
elapsed() {
	local now
	now=$(date +%s)
	printf '   (%ss)\n' "$((now - step_start))" >&2
	step_start=$now
}

command -v "$TERRAFORM" >/dev/null || fail "terraform not found (set TERRAFORM=/path/to/terraform; tools/install-terraform.sh builds one)"
tfv="$(TF_CLI_CONFIG_FILE=/dev/null "$TERRAFORM" version 2>/dev/null | sed -n 1p)"  # sed reads all input: head could end the pipe early (SIGPIPE under pipefail)
[[ "$tfv" =~ ^Terraform\ v1\.(1[1-9]|[2-9][0-9])\. ]] || fail "need Terraform >= 1.11, found: $tfv"

work="$(mktemp -d "${TMPDIR:-/tmp}/test-modules.XXXXXX")"
fake_sm_pid=""
# Kept when a step fails, with every log in it.
trap 'rc=$?; if [[ -n "$fake_sm_pid" ]]; then kill "$fake_sm_pid" 2>/dev/null || true; fi; if ((rc == 0)); then rm -rf "$work"; else echo "logs kept in $work" >&2; fi' EXIT

# shellcheck source=scripts/fake-secret-manager.sh
source "$repo/scripts/fake-secret-manager.sh"

# ---------------------------------------------------------------------------------------------
log "provider mirror and helm (cached)"
toolchain="$("$repo/scripts/modules-toolchain.sh" all)"
mirror="$(sed -n 's/^mirror=//p' <<<"$toolchain")"
helm="$(sed -n 's/^helm=//p' <<<"$toolchain")"
elapsed

log "spacemesh provider from this checkout"
smmirror="$work/spacemesh-mirror"
smbin="$smmirror/registry.terraform.io/spacemeshos/spacemesh/0.0.1/linux_amd64/terraform-provider-spacemesh_v0.0.1"
mkdir -p "$(dirname "$smbin")"
nice -n "${NICE_LEVEL:-10}" go build -o "$smbin" . || fail "the spacemesh provider does not build"
elapsed

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

# Everything runs on a copy of the configurations, so that nothing (.terraform/, lock files whose
# hashes are the mirror's, not the registry's) is written into the checkout.
tree="$work/tree"
mkdir -p "$tree/examples" "$tree/scripts"
cp -r modules "$tree/modules"
cp -r examples/testnet "$tree/examples/testnet"
cp -r scripts/chart-checks "$tree/scripts/chart-checks"
find "$tree" \( -name .terraform -o -name .terraform.lock.hcl \) -prune -exec rm -rf {} +
tf() { # dir args...
	local dir="$1"
	shift
	"$TERRAFORM" -chdir="$tree/$dir" "$@"
}

configs=(modules/discovery modules/network modules/cluster modules/static-web modules/https-frontend examples/testnet modules/network/tests/fixtures/networks scripts/chart-checks)

if ((run_terraform)); then
# ---------------------------------------------------------------------------------------------
log "terraform fmt -check -recursive"
"$TERRAFORM" fmt -check -recursive -diff modules examples/testnet scripts/chart-checks || fail "terraform fmt would change the files above (run terraform fmt -recursive)"
elapsed

log "terraform init + validate"
for d in "${configs[@]}"; do
	extra=()
	[[ "$d" == examples/testnet ]] && extra=(-backend=false) # its cloud {} block needs Terraform Cloud
	tf "$d" init -input=false -no-color "${extra[@]}" >"$work/init.log" 2>&1 || {
		cat "$work/init.log" >&2
		fail "terraform init in $d"
	}
	# A module that takes an aliased provider (modules/network and its fixture: google.secrets) cannot be validated
	# as a root without a configuration of that alias: give it one, for validate only. Its test
	# files are validated by terraform test below (validate's own check of them does not see the
	# test files' provider blocks).
	vflags=()
	alias_file="$tree/$d/validate_aliases.tf"
	if [[ "$d" == modules/network || "$d" == modules/network/tests/fixtures/networks ]]; then
		printf 'provider "google" {\n  alias = "secrets"\n}\n' >"$alias_file"
		vflags=(-no-tests)
	fi
	tf "$d" validate -no-color "${vflags[@]}" || fail "terraform validate in $d"
	rm -f "$alias_file"
done
elapsed

# ---------------------------------------------------------------------------------------------
log "terraform test"
start_fake_secret_manager "$work/secret-manager.log"
doc_dir="$work/discovery"
mkdir -p "$doc_dir"
# The real spacemesh provider writes the discovery entries of the apply runs here.
export SPACEMESH_DISCOVERY_URL="file://$doc_dir/networks.json"

for d in modules/discovery modules/cluster modules/network modules/static-web examples/testnet; do
	out="$work/test-${d//\//_}.log"
	echo "-- $d" >&2
	if ! tf "$d" test -no-color -verbose >"$out" 2>&1; then
		grep -vE '^\s*$' "$out" | grep -E 'run "|Error|error|fail|FAIL|pass|Success' >&2 || true
		echo "(full log: $out)" >&2
		fail "terraform test in $d"
	fi
	grep -E '^(tests/[^ ]+\.tftest\.hcl|  run "[^"]+")\.\.\. ' "$out" >&2 || true
	grep -E '^(Success|Failure)!' "$out" >&2
done
elapsed

# ---------------------------------------------------------------------------------------------
log "plan checks (from the verbose test output)"

# Prints the text between the line announcing run "$2" and the next run, in log $1.
run_section() {
	awk -v run="$2" '
		$0 ~ "^  run \""run"\"\\.\\.\\. " { on = 1; next }
		on && /^  run "/ { exit }
		on && /^tests\// { exit }
		on { print }
	' "$1"
}

netlog="$work/test-modules_network.log"

# A node release change: the network and the entry are updated in place, nothing is replaced.
sec="$(run_section "$netlog" plan_node_upgrade)"
[[ -n "$sec" ]] || fail "no plan printed for run plan_node_upgrade"
grep -q 'spacemesh_network.this will be updated in-place' <<<"$sec" || fail "a node release change must update spacemesh_network in place"
grep -q 'spacemesh_discovery_entry.this will be updated in-place' <<<"$sec" || fail "a node release change must update the discovery entry in place"
grep -q 'helm_release.api_node will be updated in-place' <<<"$sec" || fail "a node release change must upgrade the API node release in place"
! grep -qE 'must be replaced|will be destroyed|will be created' <<<"$sec" || fail "a node release change must not replace, create or destroy anything: $(grep -E 'must be replaced|will be destroyed|will be created' <<<"$sec")"
echo "node release change: in-place updates only" >&2

sec="$(run_section "$netlog" plan_smapp_update)"
[[ -n "$sec" ]] || fail "no plan printed for run plan_smapp_update"
grep -q 'spacemesh_discovery_entry.this will be updated in-place' <<<"$sec" || fail "a Smapp release update must update the discovery entry in place"
changed="$(grep -cE '^\s+# .* (will be (created|updated|destroyed)|must be replaced)' <<<"$sec" || true)"
[[ "$changed" -le 2 ]] || fail "a Smapp release update must touch only spacemesh_network and its entry, plan shows: $(grep -E '^\s+# ' <<<"$sec")"
! grep -qE 'must be replaced|helm_release' <<<"$sec" || fail "a Smapp release update must not touch workloads"
echo "smapp release change: discovery only" >&2

# Retiring a network: every resource of its module instance is destroyed, the entry included.
retlog="$work/test-modules_network.log"
applied="$(run_section "$retlog" two_networks | grep -oE '^# module\.network\["119"\]\.[^:]+' | sed 's/^# //' | grep -v '^module\.network\["119"\]\.data\.' | sort -u)"
[[ -n "$applied" ]] || fail "no state printed for run two_networks"
sec="$(run_section "$retlog" plan_retire_119)"
destroyed="$(grep -oE '# module\.network\["119"\]\.[^ ]+ will be destroyed' <<<"$sec" | awk '{print $2}' | sort -u)"
if [[ "$applied" != "$destroyed" ]]; then
	diff <(echo "$applied") <(echo "$destroyed") >&2 || true
	fail "removing network 119 must destroy exactly its resources"
fi
grep -q 'module.network\["119"\].spacemesh_discovery_entry.this' <<<"$destroyed" || fail "removing a network must destroy its discovery entry"
! grep -qE 'module\.network\["118"\]\.[^ ]+ (will be (created|updated|destroyed)|must be replaced)' <<<"$sec" || fail "removing network 119 must not touch network 118"
echo "retiring network 119: all $(wc -l <<<"$destroyed") of its resources destroyed, the discovery entry included; 118 untouched" >&2
echo "resources per network: $(wc -l <<<"$applied") ($(sed -E 's/^module\.network\["119"\]\.//; s/\[.*//' <<<"$applied" | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}'))" >&2

# A changed domain replaces the uptime checks (monitored_resource forces a new check), and GCP refuses
# to delete a check an alert policy still names: each new check must be created before the old one
# is destroyed (+/-, not -/+). Mocked providers do not know which changes force a replacement, so
# this plans with the real google provider (no API call: a hand-written prior state of the three
# checks, -refresh=false, only the checks targeted) with the domain changed.
cbd="$work/cbd"
cp -r "$tree/modules/network" "$cbd"
cat >"$cbd/provider_override.tf" <<'TF'
provider "google" {
  access_token = "unused"
}
TF
cat >"$cbd/providers_for_plan.tf" <<'TF'
provider "google" {
  alias        = "secrets"
  access_token = "unused"
}
TF
{
	printf '{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"00000000-0000-4000-8000-000000000118","outputs":{},"resources":[{"mode":"managed","type":"google_monitoring_uptime_check_config","name":"endpoint","provider":"provider[\\"registry.terraform.io/hashicorp/google\\"]","instances":['
	sep=""
	for e in api_json:api api_grpc:api stats_api:stats; do
		printf '%s{"index_key":"%s","schema_version":0,"attributes":{"id":"projects/sm-web-test/uptimeCheckConfigs/%s","name":"projects/sm-web-test/uptimeCheckConfigs/%s","uptime_check_id":"%s","project":"sm-web-test","display_name":"x","timeout":"10s","period":"60s","monitored_resource":[{"type":"uptime_url","labels":{"project_id":"sm-web-test","host":"118.%s.example.org"}}]}}' \
			"$sep" "${e%%:*}" "${e%%:*}" "${e%%:*}" "${e%%:*}" "${e##*:}"
		sep=","
	done
	printf ']}]}\n'
} >"$cbd/terraform.tfstate"
cat >"$cbd/test.tfvars" <<'TF'
net_id                  = 118
name                    = "TweedleDee Open Testnet 118"
config_url              = "https://configs.example.org/testnet-118.json"
node_release            = "v1.7.6"
min_node_release        = "1.7.0"
min_smapp_release       = "1.6.0"
latest_smapp_release    = "1.7.2"
smapp_base_download_url = "https://smapp.example.org/dist"
node_base_download_url  = "https://downloads.example.org/go-spacemesh"
stats_api_release       = "v2.1.0"
domain                  = "example.net"
cloudflare_zone_id      = "0123456789abcdef0123456789abcdef"
project_id              = "sm-web-test"
notification_channels   = ["projects/sm-web-test/notificationChannels/123"]
ingress                 = { ip_address = "203.0.113.10" }
tls                     = { cert_manager_cluster_issuer = "letsencrypt-dns" }
TF
"$TERRAFORM" -chdir="$cbd" plan -no-color -input=false -refresh=false -var-file=test.tfvars \
	-target=google_monitoring_uptime_check_config.endpoint >"$work/cbd.log" 2>&1 || {
	cat "$work/cbd.log" >&2
	fail "plan of a domain change with the real google provider"
}
sec="$(cat "$work/cbd.log")"
n_cbd="$(grep -cE '^\s*\+/- resource "google_monitoring_uptime_check_config" "endpoint"' <<<"$sec" || true)"
n_dbc="$(grep -cE '^\s*-/\+ resource "google_monitoring_uptime_check_config" "endpoint"' <<<"$sec" || true)"
((n_cbd == 3 && n_dbc == 0)) || fail "a domain change must replace the 3 uptime checks create-before-destroy (+/-): saw $n_cbd +/- and $n_dbc -/+ (see $work/cbd.log)"
echo "domain change: the 3 uptime checks are replaced create-before-destroy" >&2

# The discovery entry depends on every other resource of the module, so it is destroyed first.
mapfile -t module_resources < <(grep -hoE '^resource "[a-z0-9_]+" "[a-z0-9_]+"' modules/network/*.tf | awk '{gsub(/"/,""); print $2"."$3}' | grep -v '^spacemesh_discovery_entry\.' | sort -u)
# (in depends_on, or referenced by its arguments, as spacemesh_network is)
entry_block="$(sed -n '/^resource "spacemesh_discovery_entry"/,/^}/p' modules/network/*.tf)"
for r in "${module_resources[@]}"; do
	grep -qE "(^|[^a-z0-9_.])${r//./\\.}([^a-z0-9_]|$)" <<<"$entry_block" || fail "spacemesh_discovery_entry.this must depend on $r (destroy must remove the entry first)"
done
echo "discovery entry depends on all ${#module_resources[@]} other resources of the module" >&2

# The same, as Terraform orders it: in the plan graph the entry waits for the API node's release, so
# it is created after it; Terraform destroys in the reverse order of these edges, so the entry goes
# before the release (and everything else it depends on).
printf 'provider "google" {\n  alias = "secrets"\n}\n' >"$tree/modules/network/graph_aliases.tf"
tf modules/network graph -type=plan >"$work/graph-plan.dot" 2>"$work/graph.log" || {
	cat "$work/graph.log" >&2
	fail "terraform graph -type=plan in modules/network"
}
rm -f "$tree/modules/network/graph_aliases.tf"
grep -qE '"\[root\] spacemesh_discovery_entry\.this \(expand\)" -> "\[root\] helm_release\.api_node \(expand\)"' "$work/graph-plan.dot" ||
	fail "plan graph: spacemesh_discovery_entry.this must wait for helm_release.api_node (see $work/graph-plan.dot)"
echo "plan graph: the entry is created after the API node release (and destroyed before it)" >&2

# The apply runs cleaned up after themselves: the real provider removed every entry again.
if [[ -f "$doc_dir/networks.json" ]]; then
	left="$(tr -d ' \n\t' <"$doc_dir/networks.json")"
	[[ "$left" == "[]" ]] || fail "entries left in the discovery document after the tests: $left"
fi

exlog="$work/test-examples_testnet.log"
count="$(run_section "$exlog" plan_two_networks | sed -nE 's/^Plan: ([0-9]+) to add.*/\1/p' | sed -n 1p)"
[[ -n "$count" ]] || fail "no plan summary printed for examples/testnet"
echo "examples/testnet with two networks (mocked plan): $count resources to add" >&2

# The certificate came from Secret Manager through the ephemeral resources (nothing else reads it).
grep -q '^/v1/projects/sm-secrets/secrets/t118-key/versions/1:access' "$work/secret-manager.log" ||
	fail "the TLS key was never read through the ephemeral Secret Manager resource (see $work/secret-manager.log)"
echo "TLS certificate and key read ephemerally from (fake) Secret Manager: $(grep -c ':access' "$work/secret-manager.log") accesses" >&2
elapsed

fi

# ---------------------------------------------------------------------------------------------
if ((run_charts)); then
	log "helm lint + template"
	export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"
	rendered="$work/rendered"
	mkdir -p "$rendered"
	vals=scripts/chart-checks/values
	KUBE_VERSION="${KUBE_VERSION:-1.31.0}" # a GKE version the charts target
	node_config="$vals/node-config.json"

	declare -A chart_dir=(
		[api-node]=modules/network/charts/api-node
		[traefik-ingress]=modules/cluster/charts/traefik-ingress
	)
	declare -A release=([api-node]=api-node [traefik-ingress]=traefik)
	declare -A outname=([api-node]=api-node [traefik-ingress]=traefik-ingress)
	declare -A config_flag=([api-node]=nodeConfig)

	for c in api-node traefik-ingress; do
		args=(-f "$vals/$c.yaml")
		[[ -n "${config_flag[$c]:-}" ]] && args+=(--set-file "${config_flag[$c]}=$node_config")
		"$helm" lint --strict --kube-version "$KUBE_VERSION" "${chart_dir[$c]}" "${args[@]}" >"$work/lint.log" 2>&1 || {
			cat "$work/lint.log" >&2
			fail "helm lint ${chart_dir[$c]}"
		}
		"$helm" template "${release[$c]}" "${chart_dir[$c]}" --kube-version "$KUBE_VERSION" --namespace spacemesh-118 "${args[@]}" >"$rendered/${outname[$c]}.yaml" ||
			fail "helm template ${chart_dir[$c]}"
	echo "linted and rendered ${chart_dir[$c]}" >&2
	done

	# Values a chart must refuse.
	must_refuse() { # chart message args...
		local c="$1" msg="$2" cfg=()
		shift 2
		# (--set-file wins over --set, so the config file is left out when a case unsets it)
		[[ -n "${config_flag[$c]:-}" && "$*" != *"${config_flag[$c]}="* ]] && cfg=(--set-file "${config_flag[$c]}=$node_config")
		if "$helm" template x "${chart_dir[$c]}" --kube-version "$KUBE_VERSION" -f "$vals/$c.yaml" "${cfg[@]}" "$@" >"$work/refuse.log" 2>&1; then
			fail "${chart_dir[$c]} rendered with $*; it must refuse"
		fi
		grep -q "$msg" "$work/refuse.log" || {
			cat "$work/refuse.log" >&2
			fail "${chart_dir[$c]} refused $* without saying '$msg'"
		}
	}
	must_refuse api-node "private port" --set ports.grpc=9093
	must_refuse api-node "private port" --set ports.json=9093
	must_refuse api-node "private port" --set statsApi.ports.http=9093
	must_refuse api-node "refresh and metrics are never public" --set statsApi.ports.refresh=5000
	must_refuse api-node "refresh and metrics are never public" --set statsApi.ports.metrics=5000
	must_refuse api-node "https only" --set ingress.tlsSecretName=
	must_refuse api-node "https only" --set statsApi.ingress.tlsSecretName=
	must_refuse api-node "selects gRPC by content type" --set ingress.grpc.match=
	must_refuse api-node "nodeConfig is required" --set nodeConfig=
	must_refuse api-node "statsApi.image is required" --set statsApi.image=
	must_refuse api-node "whenDeleted must be" --set persistence.whenDeleted=Keep
	must_refuse api-node "at most once a minute" --set ingress.grpc.readIdleTimeout=30s
	must_refuse traefik-ingress "not one of the entrypoints" --set httpRedirectTo=web
	echo "unsafe values refused" >&2

	log "rendered objects"
	out="$work/chart-checks.log"
	tf scripts/chart-checks init -input=false -no-color >"$work/init.log" 2>&1 || {
		cat "$work/init.log" >&2
		fail "terraform init in scripts/chart-checks"
	}
	tf scripts/chart-checks test -no-color -var "manifests_dir=$rendered" -var "node_config_file=$repo/$node_config" >"$out" 2>&1 || {
		cat "$out" >&2
		fail "rendered chart objects"
	}
	grep -E '^(  run "[^"]+"\.\.\. |Success|Failure)' "$out" >&2
	elapsed
fi

printf '\nall module tests passed in %ss\n' "$(($(date +%s) - t0))" >&2
