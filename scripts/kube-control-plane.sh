# Sourced by scripts/test-modules-kube.sh and scripts/test-dataplane.sh (needs the caller's fail
# and log functions and its pids array, which the processes started here are added to).
#
# start_kube_control_plane <work dir> <dir of kube-apiserver, kube-controller-manager, etcd> <authorization mode> [kube-apiserver flags...]
#   etcd + kube-apiserver + kube-controller-manager on 127.0.0.1 (ports KUBE_TEST_ETCD_PORT, default
#   23790, and KUBE_TEST_API_PORT, default 26443). An admin token (group system:masters) is written
#   to <work>/pki/tokens.csv. Sets token, kubeconfig, api_port and pki (the API server's
#   self-signed serving certificate is $pki/apiserver.crt), and defines api <path> (GET as admin).
# install_traefik_crds
#   Traefik's CRDs from modules/cluster/charts/traefik-ingress/crds, as the ingress chart installs
#   them, and waits until traefik.io/v1alpha1 is served.
start_kube_control_plane() {
	local work="$1" kbin="$2" authz="$3"
	shift 3
	local etcd_port="${KUBE_TEST_ETCD_PORT:-23790}"
	api_port="${KUBE_TEST_API_PORT:-26443}"
	pki="$work/pki"
	mkdir -p "$pki" "$work/etcd"
	openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
	openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
	token="$(openssl rand -hex 16)"
	echo "$token,admin,admin,system:masters" >"$pki/tokens.csv"

	"$kbin/etcd" --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
		--advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
		--initial-cluster "default=http://127.0.0.1:$((etcd_port + 1))" >"$work/etcd.log" 2>&1 &
	pids+=($!)

	"$kbin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" --bind-address=127.0.0.1 \
		--secure-port="$api_port" --cert-dir="$pki" --token-auth-file="$pki/tokens.csv" \
		--authorization-mode="$authz" --service-account-issuer=https://kubernetes.default.svc \
		--service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
		--endpoint-reconciler-type=none "$@" >"$work/apiserver.log" 2>&1 &
	pids+=($!)

	kubeconfig="$work/kubeconfig"
	cat >"$kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:$api_port
      insecure-skip-tls-verify: true
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: local
    context:
      cluster: local
      user: admin
current-context: local
KC

	for _ in $(seq 1 60); do
		api /readyz >/dev/null 2>&1 && break
		sleep 1
	done
	api /readyz >/dev/null || fail "kube-apiserver did not become ready (see $work/apiserver.log)"

	"$kbin/kube-controller-manager" --kubeconfig="$kubeconfig" --leader-elect=false \
		--controllers='*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-route,-service' \
		--service-account-private-key-file="$pki/sa.key" >"$work/controller-manager.log" 2>&1 &
	pids+=($!)
	echo "API server ready: $(api /version | grep -o '"gitVersion": *"[^"]*"') (authorization: $authz)" >&2
}

api() { curl -fsSk -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port$1"; }

install_traefik_crds() {
	local crds=0 f
	for f in modules/cluster/charts/traefik-ingress/crds/*.yaml; do
		curl -fsSk -H "Authorization: Bearer $token" -H "Content-Type: application/yaml" --data-binary "@$f" \
			"https://127.0.0.1:$api_port/apis/apiextensions.k8s.io/v1/customresourcedefinitions" >/dev/null || fail "creating the CRD in $f"
		crds=$((crds + 1))
	done
	for _ in $(seq 1 60); do
		api /apis/traefik.io/v1alpha1 2>/dev/null | grep -q '"ingressroutes"' && api /apis/traefik.io/v1alpha1 | grep -q '"serverstransports"' && break
		sleep 0.5
	done
	api /apis/traefik.io/v1alpha1 | grep -q '"ingressroutes"' || fail "traefik.io/v1alpha1 IngressRoute is not served after installing the CRDs"
	echo "$crds CRDs of traefik.io installed and served" >&2
}
