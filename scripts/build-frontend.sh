#!/usr/bin/env bash
# Builds one release of explorer-frontend or dash-frontend for modules/static-web, in the operator's CI.
#
#   scripts/build-frontend.sh --src DIR --frontend KEY --release TAG --out DIR
#                             [--discovery-url URL] [--labels-per-unit N] [--env NAME=VALUE]...
#
#   --src              a checkout of the upstream tag (github.com/spacemeshos/explorer-frontend or dash-frontend)
#   --frontend         the module's frontends key the release is for (explorer, dash, explorer-dev, ...)
#   --release          the release name, used as the bucket folder (e.g. v2.1.0); never reused
#   --out              where releases collect: the build lands in OUT/KEY/RELEASE/ (refused if it exists)
#   --discovery-url    baked in as REACT_APP_DISCOVERY_SERVICE_URL (both stores fetch it: explorer-frontend
#                      src/store/index.jsx, dash-frontend src/store/ViewStore/index.js). Default /networks.json:
#                      relative, so each host answers with its own list and <net_id>.<host> opens on its network.
#   --labels-per-unit  baked in as REACT_APP_LABELS_PER_UNIT (upstream .github/workflows/deploy.yaml: 4294967296
#                      for mainnet, 1024 for the dev build). Default 1024.
#   --env NAME=VALUE   further REACT_APP_* variables (e.g. REACT_APP_PUBLIC_API), repeatable
#
# Installs with the lock file the checkout has (yarn.lock: yarn --frozen-lockfile, as upstream's deploy
# workflow runs yarn; package-lock.json: npm ci), runs the build script, copies build/ to OUT/KEY/RELEASE/
# and writes release.json there (frontend, release, source commit, variables). The module uploads that
# folder (release_dirs = { "KEY/RELEASE" = "OUT/KEY/RELEASE" }) and refuses a folder whose release.json
# names another release. The checkout is copied first: nothing is written into --src.
set -euo pipefail

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
die() {
	echo "build-frontend: $*" >&2
	exit 2
}

src="" key="" release="" out="" discovery_url="/networks.json" labels_per_unit="1024"
extra_env=()
while (($#)); do
	case "$1" in
	--src) src="${2:-}"; shift 2 ;;
	--frontend) key="${2:-}"; shift 2 ;;
	--release) release="${2:-}"; shift 2 ;;
	--out) out="${2:-}"; shift 2 ;;
	--discovery-url) discovery_url="${2:-}"; shift 2 ;;
	--labels-per-unit) labels_per_unit="${2:-}"; shift 2 ;;
	--env) extra_env+=("${2:-}"); shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

[[ -n "$src" && -n "$key" && -n "$release" && -n "$out" ]] || die "--src, --frontend, --release and --out are required (see --help)"
[[ -f "$src/package.json" ]] || die "--src $src has no package.json: expected a checkout of explorer-frontend or dash-frontend"
[[ "$key" =~ ^[a-z][a-z0-9-]{0,30}$ ]] || die "--frontend must be a frontends key of modules/static-web (lower-case letters, digits, hyphens; e.g. explorer), got: $key"
[[ "$release" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$ && "$release" != *..* ]] || die "--release must be a tag usable as a folder name (e.g. v2.1.0), got: $release"
[[ "$discovery_url" =~ ^(/|https://) ]] || die "--discovery-url must be a path on the frontend's own host (/networks.json) or an https URL, got: $discovery_url"
[[ "$labels_per_unit" =~ ^[1-9][0-9]*$ ]] || die "--labels-per-unit must be a positive integer, got: $labels_per_unit"
for kv in "${extra_env[@]}"; do
	[[ "$kv" =~ ^REACT_APP_[A-Z0-9_]+= ]] || die "--env takes REACT_APP_NAME=value, got: $kv"
done

dest="$out/$key/$release"
[[ ! -e "$dest" ]] || die "$dest exists: a release is never rebuilt in place; publish a new release name"

commit=""
# The tag's commit, when --src is the top of a git checkout (not a folder inside another repository).
if top="$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" && [[ "$(cd "$top" && pwd -P)" == "$(cd "$src" && pwd -P)" ]]; then
	commit="$(git -C "$src" rev-parse HEAD)"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/build-frontend.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Copy without node_modules/build of an earlier run, so the build starts from the lock file.
tar -C "$src" --exclude=./node_modules --exclude=./build --exclude=./.git -cf - . | tar -C "$work" -xf -

export REACT_APP_DISCOVERY_SERVICE_URL="$discovery_url"
export REACT_APP_LABELS_PER_UNIT="$labels_per_unit"
for kv in "${extra_env[@]}"; do
	export "${kv?}"
done
export CI=true # react-scripts: fail on warnings as CI does, no interactive prompts

cd "$work"
if [[ -f yarn.lock ]]; then
	if command -v yarn >/dev/null 2>&1; then yarn_cmd=(yarn); else yarn_cmd=(npx --yes yarn@1); fi
	"${yarn_cmd[@]}" install --frozen-lockfile --non-interactive >&2
	"${yarn_cmd[@]}" run build >&2
elif [[ -f package-lock.json ]]; then
	npm ci --no-audit --no-fund >&2
	npm run build >&2
else
	die "$src has neither yarn.lock nor package-lock.json: a release must build from locked dependencies"
fi
[[ -f build/index.html ]] || die "the build wrote no build/index.html"

mkdir -p "$(dirname "$dest")"
cp -r build "$dest.tmp"
node -e '
const fs = require("fs");
const [file, frontend, release, commit, ...vars] = process.argv.slice(1);
const env = {};
for (const k of Object.keys(process.env).sort()) if (k.startsWith("REACT_APP_")) env[k] = process.env[k];
fs.writeFileSync(file, JSON.stringify({ frontend, release, source_commit: commit || null, env, built_at: new Date().toISOString() }, null, 2) + "\n");
' "$dest.tmp/release.json" "$key" "$release" "$commit"
mv "$dest.tmp" "$dest"
echo "$dest"
