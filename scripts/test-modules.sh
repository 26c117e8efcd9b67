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
#      removing a network destroys all of its resources including its discovery entry; a network's
#      lifecycle on examples/testnet (scripts/lifecycle/: adding a block, its entry published,
#      deleting a block, its entry gone; a targeted destroy in the plan graph); upgrades from the
#      modules' previous layout (scripts/upgrade/: a state built with them, planned with the current
#      code); every provider constraint's lower bound is the version tested
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

# A network's lifecycle (scripts/lifecycle/): two copies of examples/testnet, each with one change an
# operator makes, and the runs that plan them appended to the mocks of examples/testnet's test.
block_of() { # file module-name: prints the module block, from its first line to its closing brace
	awk -v name="$2" '$0 ~ "^module \""name"\" \\{" { on = 1 } on { print } on && /^}/ { exit }' "$1"
}
cp -r "$tree/examples/testnet" "$tree/examples/testnet-add-120"
cp -r "$tree/examples/testnet" "$tree/examples/testnet-retire-119"
rm -rf "$tree/examples/testnet-add-120/tests" "$tree/examples/testnet-retire-119/tests"
[[ -n "$(block_of examples/testnet/main.tf testnet_119)" ]] || fail "examples/testnet/main.tf has no module \"testnet_119\" block to copy"
{
	echo
	block_of examples/testnet/main.tf testnet_119 | sed -E 's/testnet_119/testnet_120/; s/119/120/g'
} >>"$tree/examples/testnet-add-120/main.tf"
awk '/^module "testnet_119" \{/ { skip = 1 } !skip { print } skip && /^}/ { skip = 0 }' examples/testnet/main.tf >"$tree/examples/testnet-retire-119/main.tf"
{
	sed '/^run "/,$d' examples/testnet/tests/testnet.tftest.hcl
	cat scripts/lifecycle/lifecycle.tftest.hcl
} >"$tree/examples/testnet/tests/lifecycle.tftest.hcl"

# Upgrades (scripts/upgrade/): the modules as the previous release of their layout left them, from
# the repository's history, so that a state built with them can be planned with the current code.
# (CI checks out the whole history: .github/workflows/test.yml, fetch-depth 0.)
previous_layout=60c8c7fffbbc654dd32984d0bbf32025b5cbb088
git cat-file -e "${previous_layout}^{commit}" 2>/dev/null ||
	fail "the upgrade tests need commit $previous_layout (the modules' previous layout) in this clone's history: clone the whole history (actions/checkout: fetch-depth: 0)"
mkdir -p "$tree/previous"
git archive "$previous_layout" modules examples/testnet | tar -x -C "$tree/previous"
for m in static-web discovery; do
	cp "scripts/upgrade/$m.tftest.hcl" "$tree/modules/$m/tests/upgrade.tftest.hcl"
done
{
	sed '/^run "/,$d' examples/testnet/tests/testnet.tftest.hcl
	cat scripts/upgrade/testnet.tftest.hcl
} >"$tree/examples/testnet/tests/upgrade.tftest.hcl"
tf() { # dir args...
	local dir="$1"
	shift
	"$TERRAFORM" -chdir="$tree/$dir" "$@"
}

# Each provider's version constraint must name, as its lower bound, exactly the version the tests
# install from the mirror (the lock file records both): the oldest version a configuration accepts is
# the one that is tested.
check_lower_bounds() { # dir
	python3 - "$tree/$1/.terraform.lock.hcl" "$1" <<'PY' || fail "provider version constraints in $1"
import re, sys
import os
lock, where = sys.argv[1], sys.argv[2]
if not os.path.exists(lock):  # a configuration with no provider has no lock file
    sys.exit(0)
text = open(lock).read()
def key(v):
    return tuple(int(x) for x in v.split("."))
bad = []
for addr, body in re.findall(r'provider "([^"]+)" \{(.*?)\n\}', text, re.S):
    version = re.search(r'version\s*=\s*"([^"]+)"', body).group(1)
    m = re.search(r'constraints\s*=\s*"([^"]+)"', body)
    lows = []
    for term in (m.group(1).split(",") if m else []):
        t = re.match(r"\s*(~>|>=|=)?\s*([0-9]+(?:\.[0-9]+)*)\s*$", term)
        if t:  # "< 4.0.0" and the like bound from above
            lows.append(".".join((t.group(2).split(".") + ["0", "0"])[:3]))
    low = max(lows, key=key) if lows else None
    if low != version:
        bad.append(f"{where}: {addr} is tested at {version}, but its constraint {m.group(1) if m else '(none)'!r} has the lower bound {low}")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

configs=(modules/discovery modules/network modules/cluster modules/static-web modules/static-web/documents modules/https-frontend examples/testnet modules/network/tests/fixtures/networks scripts/chart-checks)

if ((run_terraform)); then
# ---------------------------------------------------------------------------------------------
log "terraform fmt -check -recursive"
"$TERRAFORM" fmt -check -recursive -diff modules examples/testnet scripts/chart-checks scripts/lifecycle scripts/upgrade || fail "terraform fmt would change the files above (run terraform fmt -recursive)"
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
	check_lower_bounds "$d"
done
echo "every provider constraint's lower bound is the version the tests install (the mirror's)" >&2
elapsed

# ---------------------------------------------------------------------------------------------
log "terraform test"
start_fake_secret_manager "$work/secret-manager.log"
doc_dir="$work/discovery"
mkdir -p "$doc_dir"
# The real spacemesh provider writes the discovery entries of the apply runs here.
export SPACEMESH_DISCOVERY_URL="file://$doc_dir/networks.json"

for d in modules/discovery modules/cluster modules/network modules/static-web modules/static-web/documents examples/testnet; do
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

# The first plan of a new workspace: modules/static-web with nothing created yet (no state) plans with
# the real google provider, no -target needed by the operator, and reads nothing from the bucket it is
# about to create. Every Google API endpoint points at a closed port, so any read at plan time fails
# the plan; the release listing must be left for the apply. (The plan is limited to the URL map, the
# module's data sources and what they depend on only because the cloudflare provider here is a
# schema-only stand-in.)
fresh="$work/fresh/modules/static-web"
mkdir -p "$work/fresh/modules"
cp -r "$tree/modules/static-web" "$tree/modules/https-frontend" "$work/fresh/modules/"
rm -rf "$fresh/.terraform" "$fresh/.terraform.lock.hcl" "$fresh/tests"
cat >"$fresh/provider_override.tf" <<'TF'
provider "google" {
  access_token                    = "unused"
  storage_custom_endpoint         = "http://127.0.0.1:1/storage/v1/"
  compute_custom_endpoint         = "http://127.0.0.1:1/compute/v1/"
  certificate_manager_custom_endpoint = "http://127.0.0.1:1/v1/"
}
TF
cat >"$fresh/fresh.tfvars" <<'TF'
project_id         = "sm-web-test"
domain             = "example.org"
cloudflare_zone_id = "0123456789abcdef0123456789abcdef"
bucket_name        = "sm-web-fresh"
frontends          = { explorer = { app = "explorer", release = "v2.1.0", host = "explore.example.org" } }
TF
# (the URL map, and every data source the module reads)
mapfile -t fresh_targets < <(grep -hoE '^data "[a-z0-9_]+" "[a-z0-9_]+"' "$fresh"/*.tf | awk '{gsub(/"/, ""); print "-target=data." $2 "." $3}')
"$TERRAFORM" -chdir="$fresh" init -input=false -no-color >"$work/fresh.log" 2>&1 &&
	"$TERRAFORM" -chdir="$fresh" plan -input=false -no-color -refresh=false -var-file=fresh.tfvars \
		-target=google_compute_url_map.https "${fresh_targets[@]}" >>"$work/fresh.log" 2>&1 || {
	cat "$work/fresh.log" >&2
	fail "the first plan of modules/static-web (no bucket yet) must not read from Google Cloud"
}
grep -q 'data.google_storage_bucket_objects.published will be read during apply' "$work/fresh.log" ||
	fail "the first plan of modules/static-web must leave the release listing for the apply (see $work/fresh.log)"
echo "first plan of a new workspace (modules/static-web, no bucket yet): plans without reading Google Cloud; the release listing is read during the apply" >&2

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

# --- a network's lifecycle on examples/testnet (scripts/lifecycle/lifecycle.tftest.hcl) -------------
lifelog="$work/test-examples_testnet.log"
# The addresses a plan section changes (created, updated, destroyed, replaced or moved), one a line.
changed_in() { grep -oE '^\s*# [^ ]+ (will be (created|updated in-place|destroyed)|must be replaced|has moved to)' | awk '{print $2}' | sort -u || true; }
outside() { # prefix...: the lines of stdin that start with none of the prefixes
	local re
	re="$(printf '%s|' "$@" | sed 's/\./\\./g; s/|$//')"
	grep -vE "^(${re})" || true
}
section() { # run: its plan, or fail
	local sec
	sec="$(run_section "$lifelog" "$1")"
	[[ -n "$sec" ]] || fail "no plan printed for run $1 (see $lifelog)"
	printf '%s\n' "$sec"
}

# Adding a block: only the new network's resources, the entry last among them.
sec="$(section lifecycle_add_120)"
add="$(changed_in <<<"$sec")"
[[ -n "$add" ]] || fail "adding testnet_120 plans nothing"
others="$(outside module.testnet_120. <<<"$add")"
[[ -z "$others" ]] || fail "adding the testnet_120 block must change nothing outside it; the plan also changes:
$others"
grep -qx 'module.testnet_120.spacemesh_discovery_entry.this' <<<"$add" || fail "adding testnet_120 must create its discovery entry"
! grep -qE ' (will be destroyed|must be replaced|will be updated in-place)' <<<"$sec" || fail "adding testnet_120 must only create"
echo "add testnet_120 (entry not yet published): $(wc -l <<<"$add") resources created, all in module.testnet_120" >&2

# Its entry published: the web adds 120 (pages, lists, records), no network block changes.
sec="$(section lifecycle_add_120_published)"
pub="$(changed_in <<<"$sec")"
others="$(outside module.testnet_120. module.web. <<<"$pub")"
[[ -z "$others" ]] || fail "publishing 120 must change only module.testnet_120 (still to create) and module.web; the plan also changes:
$others"
web_new="$(grep -E '^\s*# module\.web\.[^ ]+ will be created' <<<"$sec" | awk '{print $2}' || true)"
for a in 'module.web.google_storage_bucket_object.generated["info/120/index.html"]' 'module.web.google_storage_bucket_object.generated["views/public/120/networks.json"]' 'module.web.cloudflare_dns_record.host["120.explore.example.org"]' 'module.web.cloudflare_dns_record.host["120.dash.example.org"]' 'module.web.cloudflare_dns_record.host["120.net.example.org"]'; do
	grep -qxF "$a" <<<"$web_new" || fail "publishing 120 must create $a"
done
not120="$(grep -v '120' <<<"$web_new" || true)"
[[ -z "$not120" ]] || fail "publishing 120 must create only 120's objects and records on the web; also created:
$not120"
! grep -qE ' (will be destroyed|must be replaced)' <<<"$sec" || fail "publishing 120 must destroy nothing"
echo "entry of 120 published: the web creates $(wc -l <<<"$web_new") objects and records of 120 and updates $(grep -cE '^\s*# module\.web\.[^ ]+ will be updated in-place' <<<"$sec" || true) shared ones; no network block changes" >&2

# Deleting a block: its resources, entry first, nothing else.
applied119="$(run_section "$lifelog" lifecycle_two_networks | grep -oE '^# module\.testnet_119\.[^:]+' | sed 's/^# //' | grep -v '^module\.testnet_119\.data\.' | sort -u)"
[[ -n "$applied119" ]] || fail "no state printed for run lifecycle_two_networks"
sec="$(section lifecycle_retire_119)"
ret="$(changed_in <<<"$sec")"
others="$(outside module.testnet_119. <<<"$ret")"
[[ -z "$others" ]] || fail "deleting the testnet_119 block must change nothing outside it; the plan also changes:
$others"
if [[ "$ret" != "$applied119" ]]; then
	diff <(echo "$applied119") <(echo "$ret") >&2 || true
	fail "deleting the testnet_119 block must destroy exactly its resources"
fi
echo "delete testnet_119: its $(wc -l <<<"$ret") resources destroyed (the entry among them), nothing else" >&2

# ...and 119 leaves the frontends' lists in that same apply: /networks.json of every frontend host is
# the spacemesh provider's view of its document, rewritten with the document when the entry is removed
# (discovery_views; the provider's TestAccDiscoveryViewsFollowTheDocument shows it on GCS and files).
# A list rendered by Terraform from the document as the plan began would still name 119 after this
# apply, until the next run: those answer only when the provider's list is missing (the fallback).
state2="$(run_section "$lifelog" lifecycle_two_networks)"
rendered="$(grep -cE 'path_prefix_rewrite += "/views/(public|dev)/' <<<"$state2" || true)"
viewed="$(grep -cE 'path_prefix_rewrite += "/views/networks(-dev)?/' <<<"$state2" || true)"
[[ "$rendered" == 0 && "$viewed" -gt 0 ]] || fail "after deleting the testnet_119 block the frontends must read the provider's lists (rewritten in that apply), not lists rendered before its entry left the document: $rendered routes to rendered lists, $viewed to the provider's"
echo "delete testnet_119: the $viewed /networks.json routes read the provider's views of the documents (none a list rendered by Terraform)" >&2

# Its entry gone from the document: 119 leaves every page, list and record of the web; 118 untouched.
sec="$(section lifecycle_retire_119_unpublished)"
gone="$(changed_in <<<"$sec")"
others="$(outside module.testnet_119. module.web. <<<"$gone")"
[[ -z "$others" ]] || fail "after 119's entry is gone, only module.testnet_119 and module.web may change; the plan also changes:
$others"
web_gone="$(grep -E '^\s*# module\.web\.[^ ]+ will be destroyed' <<<"$sec" | awk '{print $2}' || true)"
for a in 'module.web.google_storage_bucket_object.generated["info/119/index.html"]' 'module.web.cloudflare_dns_record.host["119.explore.example.org"]' 'module.web.cloudflare_dns_record.host["119.dash.example.org"]' 'module.web.cloudflare_dns_record.host["119.net.example.org"]'; do
	grep -qxF "$a" <<<"$web_gone" || fail "once 119's entry is gone the web must destroy $a"
done
not119="$(grep -v '119' <<<"$web_gone" || true)"
[[ -z "$not119" ]] || fail "once 119's entry is gone the web must destroy only 119's objects and records; also destroyed:
$not119"
! grep -qE '# module\.web\.[^ ]*118[^ ]* (will be destroyed|must be replaced)' <<<"$sec" || fail "retiring 119 must leave 118's web objects"
echo "entry of 119 removed: the web destroys its $(wc -l <<<"$web_gone") objects and records, updates the shared lists and pages; 118 untouched" >&2

# A targeted destroy (terraform destroy -target=module.testnet_119) destroys the target and everything
# that depends on it. In examples/testnet's plan graph nothing outside module.testnet_119 may reach a
# resource inside it.
# (terraform graph needs an initialised backend: on a copy without the cloud {} block, a local one)
cp -r "$tree/examples/testnet" "$tree/examples/testnet-graph"
rm -rf "$tree/examples/testnet-graph/.terraform" "$tree/examples/testnet-graph/tests"
awk '/^  cloud \{/ { skip = 1 } !skip { print } skip && /^  \}/ { skip = 0 }' "$tree/examples/testnet/versions.tf" >"$tree/examples/testnet-graph/versions.tf"
tf examples/testnet-graph init -input=false -no-color >"$work/graph.log" 2>&1 &&
	tf examples/testnet-graph graph -type=plan >"$work/graph-testnet.dot" 2>>"$work/graph.log" || {
	cat "$work/graph.log" >&2
	fail "terraform graph -type=plan of examples/testnet"
}
python3 - "$work/graph-testnet.dot" module.testnet_119 <<'PY' || fail "a targeted destroy of module.testnet_119 would also destroy resources outside it (see $work/graph-testnet.dot)"
import re, sys
dot, target = sys.argv[1], sys.argv[2]
edges = {}
for a, b in re.findall(r'"\[root\] ([^"]+)" -> "\[root\] ([^"]+)"', open(dot).read()):
    edges.setdefault(a, set()).add(b)
def resource(node):  # managed resources (expand nodes), data sources excluded
    n = re.sub(r" \(expand\)$", "", node)
    return n if node.endswith(" (expand)") and re.fullmatch(r"(module\.[a-z0-9_]+\.)*[a-z0-9]+_[a-z0-9_]+\.[a-z0-9_]+", n) else None
inside = lambda n: n.startswith(target + ".")
bad = {}
for start in edges:
    r = resource(start)
    if r is None or inside(r):
        continue
    seen, todo = set(), [start]
    while todo:
        n = todo.pop()
        for m in edges.get(n, ()):
            if m in seen or m.startswith("provider["):
                continue
            seen.add(m)
            mr = resource(m)
            if mr and inside(mr):
                bad.setdefault(r, set()).add(mr)
            else:
                todo.append(m)
for r in sorted(bad):
    print(f"{r} depends on {', '.join(sorted(bad[r]))}", file=sys.stderr)
print(f"{len([s for s in edges if resource(s)])} resources in the graph; {len(bad)} outside {target} depend on it", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "terraform destroy -target=module.testnet_119: nothing outside the module depends on it" >&2

# --- upgrades: the previous layout's state planned with the current modules (scripts/upgrade/) ----
for m in static-web discovery; do
	uplog="$work/test-modules_$m.log"
	sec="$(run_section "$uplog" current_layout)"
	[[ -n "$sec" ]] || fail "no plan printed for the upgrade of modules/$m (see $uplog)"
	! grep -qE '^\s*# [^ ]+ (will be destroyed|must be replaced)' <<<"$sec" ||
		fail "upgrading modules/$m must destroy or replace nothing: $(grep -E '^\s*# [^ ]+ (will be destroyed|must be replaced)' <<<"$sec")"
	! grep -qE '^\s*# module\.frontend\.[^ ]+ will be created' <<<"$sec" ||
		fail "upgrading modules/$m must not create the load balancer's front again: $(grep -E '^\s*# module\.frontend\.[^ ]+ will be created' <<<"$sec")"
	moved="$(grep -cE '^\s*# [^ ]+ has moved to module\.frontend\.' <<<"$sec" || true)"
	((moved == 6)) || fail "upgrading modules/$m must move the 6 resources of the load balancer's front into module.frontend, moved $moved"
	echo "upgrade of modules/$m from $previous_layout: the front's 6 resources moved, nothing destroyed or replaced" >&2
done
grep -qE '^\s*# cloudflare_zone_setting\.ssl\[0\] will no longer be managed by Terraform' <<<"$(run_section "$work/test-modules_discovery.log" current_layout)" ||
	fail "upgrading modules/discovery must forget the zone's SSL setting (not destroy it)"

# The production root, from the previous layout of everything.
sec="$(run_section "$lifelog" upgrade_current_layout)"
[[ -n "$sec" ]] || fail "no plan printed for the upgrade of examples/testnet (see $lifelog)"
! grep -qE '^\s*# [^ ]+ (will be destroyed|must be replaced)' <<<"$sec" ||
	fail "upgrading examples/testnet must destroy or replace nothing: $(grep -E '^\s*# [^ ]+ (will be destroyed|must be replaced)' <<<"$sec")"
for m in module.web module.discovery module.discovery_dev; do
	moved="$(grep -cE "^\\s*# ${m//./\\.}\\.[^ ]+ has moved to ${m//./\\.}\\.module\\.frontend\\." <<<"$sec" || true)"
	((moved == 6)) || fail "upgrading examples/testnet must move the 6 resources of $m's front into $m.module.frontend, moved $moved"
done
grep -qE '^\s*# module\.discovery\.cloudflare_zone_setting\.ssl\[0\] has moved to cloudflare_zone_setting\.ssl' <<<"$sec" ||
	fail "upgrading examples/testnet must move the zone's SSL setting from module.discovery to the root"
grep -qE '^\s*# module\.discovery_dev\.cloudflare_zone_setting\.ssl\[0\] will no longer be managed by Terraform' <<<"$sec" ||
	fail "upgrading examples/testnet must forget (not destroy) module.discovery_dev's copy of the zone's SSL setting"
echo "upgrade of examples/testnet from $previous_layout: 3 fronts moved, the zone's SSL setting moved to the root (the second copy forgotten), $(grep -cE '^\s*# [^ ]+ will be updated in-place' <<<"$sec" || true) in-place updates, $(grep -cE '^\s*# [^ ]+ will be created' <<<"$sec" || true) created, nothing destroyed or replaced" >&2

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
