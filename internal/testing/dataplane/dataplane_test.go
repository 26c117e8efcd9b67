//go:build dataplane

// The data-plane test: requests through a real Traefik to the API node's stand-ins, with everything
// between them as the modules deploy it. Run by scripts/test-dataplane.sh (make test-dataplane),
// which starts, in a network namespace of its own, a kube-apiserver with RBAC, installs the ingress
// chart (modules/cluster/charts/traefik-ingress) with helm, and runs this test with:
//
//   - Traefik, the release modules/cluster deploys, run with the container arguments of the chart's
//     Deployment as read from the API server, authenticated with a TokenRequest token of the chart's
//     own ServiceAccount (so it has exactly the chart's ClusterRole), as uid/gid of the pod's
//     securityContext;
//   - the load balancer in front of it (Service port to container port, Forward);
//   - `terraform test` of modules/network/tests/dataplane: the module itself installs the network's
//     objects (helm release, TLS Secret from the fake Secret Manager, ...), and the real spacemesh
//     provider waits for the node to report synced through the route before writing the entry;
//   - stand-ins of the node (gRPC, JSON gateway) and of the stats API on the addresses of two
//     "pods", which EndpointSlices give to the module's Services (there is no kubelet).
//
// While the provider waits for sync, the test checks the route (gRPC over TLS, a quiet server stream,
// the JSON gateway with curl and a browser's preflight, the http redirect, unknown hosts, the stats
// host's allow list, gRPC-Web, Traefik's log) and runs the benchmark; then the node reports synced.
package dataplane

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

var (
	streamSilence = flag.Duration("stream-silence", 3*time.Minute, "how long the status stream stays silent before the node speaks")
	benchRate     = flag.Float64("bench-rate", 20, "benchmark: requests per second (seed 000's explorer and dashboard load)")
	benchDuration = flag.Duration("bench-duration", 60*time.Second, "benchmark: how long")
)

// The network the test file installs (TF_VAR_net_id, TF_VAR_domain), and its host names by the
// module's default patterns ({net_id}.api.{domain}, {net_id}.stats.{domain}): the test's certificate
// covers them, and the test checks the module's routes name them.
const (
	netID  = 118
	domain = "example.org"
)

var (
	apiHost   = fmt.Sprintf("%d.api.%s", netID, domain)
	statsHost = fmt.Sprintf("%d.stats.%s", netID, domain)
	// Resolves to the ingress like the others, but no route names it.
	otherHost = fmt.Sprintf("%d.api.%s", netID+1, domain)
)

type harness struct {
	work, steps    string
	kube           *Kube
	kubeServer     string
	kubeCAFile     string
	caFile         string
	roots          *x509.CertPool
	traefikLogFile string
	tfDone         chan error
	tfLog          string

	synced atomic.Bool // what the node stand-ins report

	mu         sync.Mutex
	gwCalls    []gatewayCall
	entrySeen  time.Time // when the discovery document first had the entry
	slicesAt   time.Time // when the last EndpointSlice was created
	routesAt   time.Time // when the gRPC and JSON routes first both answered
	logBefore  int       // Traefik's log up to the destroy (what is checked), 0: all
	nodes      []*Node
	gateways   []*Gateway
	stats      []*Stats
	allowed    []string // the node config's grpc-cors-allowed-origins
	grpcConn   *grpc.ClientConn
	httpClient *http.Client
}

type gatewayCall struct {
	at                     time.Time
	userAgent, xfHost, xfp string
	answeredSynced         bool
	entryPresent           bool
}

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run this test with scripts/test-dataplane.sh (make test-dataplane)", name)
	}
	return v
}

func TestDataplane(t *testing.T) {
	h := &harness{work: env(t, "DATAPLANE_WORK"), steps: env(t, "DATAPLANE_STEPS"), kubeServer: env(t, "KUBE_SERVER"),
		kubeCAFile: env(t, "KUBE_CA_FILE"), tfDone: make(chan error, 1)}
	adminToken, err := os.ReadFile(env(t, "KUBE_TOKEN_FILE"))
	if err != nil {
		t.Fatal(err)
	}
	kubeCA, err := os.ReadFile(h.kubeCAFile)
	if err != nil {
		t.Fatal(err)
	}
	kubeRoots := x509.NewCertPool()
	if !kubeRoots.AppendCertsFromPEM(kubeCA) {
		t.Fatalf("no certificate in %s", h.kubeCAFile)
	}
	h.kube = &Kube{Server: h.kubeServer, Token: strings.TrimSpace(string(adminToken)),
		Client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: kubeRoots}}}}
	ctx := context.Background()

	h.writeCertificate(t, env(t, "DATAPLANE_SECRETS"))
	h.writeHosts(t, env(t, "DATAPLANE_HOSTS"))
	h.startIngressController(t, ctx, env(t, "TRAEFIK_BIN"), env(t, "TRAEFIK_NAMESPACE"), env(t, "TRAEFIK_RELEASE"))
	h.watchDocument(t, env(t, "SPACEMESH_DISCOVERY_URL"))
	h.startTerraform(t, env(t, "TERRAFORM"), env(t, "TF_MODULE_DIR"))
	ns := h.serveNetwork(t, ctx, strings.Split(env(t, "DATAPLANE_POD_ADDRS"), ","))
	h.dialClients(t)

	// Whatever happens below, Traefik's log is read last.
	defer t.Run("traefik_log_clean", h.checkTraefikLog)

	h.waitForRoutes(t, ctx)
	t.Run("grpc_status_over_tls", h.checkGRPCStatus)
	t.Run("json_gateway_with_curl", h.checkJSONWithCurl)
	t.Run("browser_preflight", h.checkPreflight)
	t.Run("http_redirects_to_443", h.checkRedirect)
	t.Run("unknown_host_404", h.checkUnknownHost)
	t.Run("stats_host_refuses_others", func(t *testing.T) { h.checkStats(t, http.StatusForbidden, 0) })
	t.Run("grpc_web_not_sent_to_grpc_listener", h.checkGRPCWeb)
	t.Run("silent_stream_survives", h.checkSilentStream)
	t.Run("benchmark", h.benchmark)

	if !t.Run("entry_written_after_synced_through_route", h.checkSync) {
		return // terraform still waits for sync: the clean-up interrupts it, and it destroys
	}

	t.Run("stats_host_admits_listed_sources", func(t *testing.T) {
		if !h.waitStep(t, "admitted") {
			return
		}
		h.checkStats(t, http.StatusOK, time.Minute)
		// Traefik's log is checked up to here: the destroy that follows removes the Services
		// under the routes, which Traefik rightly reports.
		if fi, err := os.Stat(h.traefikLogFile); err == nil {
			h.mu.Lock()
			h.logBefore = int(fi.Size())
			h.mu.Unlock()
		}
		h.release("admitted")
	})

	select {
	case err := <-h.tfDone:
		h.tfDone <- err
		if err != nil {
			t.Errorf("terraform test: %v\n%s", err, tail(h.tfLog, 60))
		} else {
			t.Logf("terraform test (install with wait_for_sync, stats allow list changed, destroy) passed:\n%s", grepLines(h.tfLog, regexp.MustCompile(`^\s*run "|^(Success|Failure)`)))
		}
	case <-time.After(10 * time.Minute):
		t.Errorf("terraform test still running 10 minutes after the checks:\n%s", tail(h.tfLog, 40))
	}
	t.Logf("network %s served through the route", ns)
}

// ---- set-up -------------------------------------------------------------------------------------

// writeCertificate makes a test CA and a certificate for the network's hosts, serves them as the
// Secret Manager secrets the test file names (the module copies them into the TLS Secret), and
// keeps the CA for the clients (the provider gets it as SSL_CERT_FILE).
func (h *harness) writeCertificate(t *testing.T, secrets string) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dataplane test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: apiHost},
		DNSNames: []string{apiHost, statsHost}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	pemOf := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	h.caFile = filepath.Join(h.work, "test-ca.pem")
	for path, data := range map[string][]byte{
		filepath.Join(secrets, "dataplane-crt"): append(pemOf("CERTIFICATE", der), pemOf("CERTIFICATE", caDER)...),
		filepath.Join(secrets, "dataplane-key"): pemOf("PRIVATE KEY", keyDER),
		h.caFile:                                pemOf("CERTIFICATE", caDER),
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h.roots = x509.NewCertPool()
	h.roots.AddCert(ca)
}

// writeHosts resolves the network's hosts to the load balancer (the file is /etc/hosts inside the
// test's mount namespace; it is rewritten in place, keeping the bind mount).
func (h *harness) writeHosts(t *testing.T, path string) {
	data := fmt.Sprintf("127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\t%s %s %s\n", apiHost, statsHost, otherHost)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if addrs, err := net.LookupHost(apiHost); err != nil || len(addrs) == 0 || addrs[0] != "127.0.0.1" {
		t.Fatalf("%s resolves to %v, %v: is %s bind-mounted on /etc/hosts?", apiHost, addrs, err, path)
	}
}

type container struct {
	Name  string   `json:"name"`
	Image string   `json:"image"`
	Args  []string `json:"args"`
	Ports []struct {
		Name          string `json:"name"`
		ContainerPort int    `json:"containerPort"`
	} `json:"ports"`
}

type podTemplate struct {
	Metadata struct {
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		ServiceAccountName string `json:"serviceAccountName"`
		SecurityContext    struct {
			RunAsUser  *uint32 `json:"runAsUser"`
			RunAsGroup *uint32 `json:"runAsGroup"`
		} `json:"securityContext"`
		Containers []container `json:"containers"`
	} `json:"spec"`
}

type workload struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Template podTemplate `json:"template"`
	} `json:"spec"`
}

type service struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Selector map[string]string `json:"selector"`
		Ports    []struct {
			Name       string          `json:"name"`
			Port       int             `json:"port"`
			TargetPort json.RawMessage `json:"targetPort"`
		} `json:"ports"`
	} `json:"spec"`
}

// targetPort resolves a Service port's targetPort (a number or a container port's name) in tmpl,
// as the EndpointSlice controller does.
func targetPort(raw json.RawMessage, tmpl podTemplate) (int, error) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return 0, fmt.Errorf("targetPort %s", raw)
	}
	for _, c := range tmpl.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return p.ContainerPort, nil
			}
		}
	}
	return 0, fmt.Errorf("no container port named %q", name)
}

// startIngressController runs Traefik as the chart's Deployment describes it, and the load balancer
// in front of it as the chart's Service describes it.
func (h *harness) startIngressController(t *testing.T, ctx context.Context, bin, namespace, release string) {
	var dep workload
	if err := h.kube.Get(ctx, fmt.Sprintf("/apis/apps/v1/namespaces/%s/deployments/%s", namespace, release), &dep); err != nil {
		t.Fatalf("the ingress chart's Deployment: %v", err)
	}
	tmpl := dep.Spec.Template
	var c *container
	for i := range tmpl.Spec.Containers {
		if tmpl.Spec.Containers[i].Name == "traefik" {
			c = &tmpl.Spec.Containers[i]
		}
	}
	if c == nil {
		t.Fatalf("no traefik container in the Deployment: %+v", tmpl.Spec.Containers)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, out)
	}
	tag := c.Image[strings.LastIndex(c.Image, ":")+1:]
	if !regexp.MustCompile(`(?m)^Version:\s+` + regexp.QuoteMeta(tag) + `$`).Match(out) {
		t.Fatalf("the chart deploys %s, the binary is\n%s", c.Image, out)
	}

	// Only the chart's ServiceAccount token: a permission its ClusterRole lacks is a failure here.
	token, err := h.kube.ServiceAccountToken(ctx, namespace, tmpl.Spec.ServiceAccountName, 2*time.Hour)
	if err != nil {
		t.Fatalf("a token for the ServiceAccount %s/%s: %v", namespace, tmpl.Spec.ServiceAccountName, err)
	}
	dir := filepath.Join(h.work, "traefik")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tokenFile, caFile := filepath.Join(dir, "token"), filepath.Join(dir, "ca.crt")
	kubeCA, _ := os.ReadFile(h.kubeCAFile)
	if err := os.WriteFile(tokenFile, []byte(token), 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, kubeCA, 0o444); err != nil {
		t.Fatal(err)
	}

	// What a pod has and a process outside one lacks: the API server's address, the token and the
	// CA, which in a pod come from the KUBERNETES_SERVICE_* variables and the mounted ServiceAccount
	// volume. Given as the providers' options for a client outside the cluster; nothing else is added
	// or changed (the entry points listen where the chart says, in the test's network namespace).
	args := append([]string{}, c.Args...)
	for _, p := range []string{"kubernetesingress", "kubernetescrd"} {
		args = append(args, "--providers."+p+".endpoint="+h.kubeServer, "--providers."+p+".token="+tokenFile,
			"--providers."+p+".certauthfilepath="+caFile)
	}
	t.Logf("Traefik %s with the chart's arguments %q, plus the API server's address, token and CA", tag, c.Args)

	h.traefikLogFile = filepath.Join(h.work, "traefik.log")
	logf, err := os.Create(h.traefikLogFile)
	if err != nil {
		t.Fatal(err)
	}
	// A copy the pod's user can run (the cache is under root's home).
	runBin := filepath.Join(dir, "traefik")
	if b, err := os.ReadFile(bin); err != nil || os.WriteFile(runBin, b, 0o755) != nil {
		t.Fatalf("copying %s to %s: %v", bin, runBin, err)
	}
	cmd := exec.Command(runBin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent"}
	if os.Geteuid() == 0 && tmpl.Spec.SecurityContext.RunAsUser != nil {
		uid, gid := *tmpl.Spec.SecurityContext.RunAsUser, *tmpl.Spec.SecurityContext.RunAsUser
		if tmpl.Spec.SecurityContext.RunAsGroup != nil {
			gid = *tmpl.Spec.SecurityContext.RunAsGroup
		}
		for _, f := range []string{dir, tokenFile, caFile} {
			if err := os.Chown(f, int(uid), int(gid)); err != nil {
				t.Fatal(err)
			}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = logf.Close()
	})

	// Ready as the chart's readiness probe says: GET /ping on the ping entry point.
	ping := ""
	for _, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "--ping.entrypoint="); ok {
			ping = v
		}
	}
	pingAddr := ""
	for _, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "--entrypoints."+ping+".address="); ok {
			pingAddr = v
		}
	}
	if ping == "" || pingAddr == "" {
		t.Fatalf("no ping entry point and address in the chart's arguments %q", c.Args)
	}
	if !waitUntil(30*time.Second, func() bool {
		select {
		case <-exited:
			return true
		default:
		}
		resp, err := http.Get("http://127.0.0.1" + pingAddr[strings.LastIndex(pingAddr, ":"):] + "/ping")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == 200
	}) {
		t.Fatalf("Traefik does not answer /ping on %s:\n%s", pingAddr, tail(h.traefikLogFile, 30))
	}
	select {
	case <-exited:
		t.Fatalf("Traefik exited:\n%s", tail(h.traefikLogFile, 30))
	default:
	}

	// The load balancer: each port of the chart's Service to its container port.
	var svc service
	if err := h.kube.Get(ctx, fmt.Sprintf("/api/v1/namespaces/%s/services/%s", namespace, release), &svc); err != nil {
		t.Fatalf("the ingress chart's Service: %v", err)
	}
	for _, p := range svc.Spec.Ports {
		to, err := targetPort(p.TargetPort, tmpl)
		if err != nil {
			t.Fatalf("Service port %s: %v", p.Name, err)
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p.Port))
		if err != nil {
			t.Fatal(err)
		}
		go Forward(l, fmt.Sprintf("127.0.0.1:%d", to))
		t.Cleanup(func() { _ = l.Close() })
		t.Logf("load balancer: %s port %d -> container port %d", p.Name, p.Port, to)
	}
}

// watchDocument records when the discovery document first lists the network.
func (h *harness) watchDocument(t *testing.T, discoveryURL string) {
	u, err := url.Parse(discoveryURL)
	if err != nil || u.Scheme != "file" {
		t.Fatalf("SPACEMESH_DISCOVERY_URL %q: want a file:// URL", discoveryURL)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			b, err := os.ReadFile(u.Path)
			if err != nil {
				continue
			}
			var doc []map[string]any
			if json.Unmarshal(b, &doc) != nil {
				continue
			}
			for _, e := range doc {
				if id, _ := e["netID"].(float64); id == netID {
					h.mu.Lock()
					if h.entrySeen.IsZero() {
						h.entrySeen = time.Now()
					}
					h.mu.Unlock()
				}
			}
		}
	}()
}

func (h *harness) entryPresent() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.entrySeen.IsZero()
}

// startTerraform runs the module's data-plane test file in the background.
func (h *harness) startTerraform(t *testing.T, bin, dir string) {
	h.tfLog = filepath.Join(h.work, "terraform-test.log")
	logf, err := os.Create(h.tfLog)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-chdir="+dir, "test", "-no-color", "-verbose", "-test-directory=tests/dataplane")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "TF_VAR_net_id="+strconv.Itoa(netID), "TF_VAR_domain="+domain, "SSL_CERT_FILE="+h.caFile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { h.tfDone <- cmd.Wait() }()
	// On the way out (checks failed or not), release every pause and let terraform destroy what it
	// installed; interrupted, terraform test stops the current run and destroys.
	t.Cleanup(func() {
		h.release("admitted")
		select {
		case err := <-h.tfDone:
			h.tfDone <- err
			_ = logf.Close()
			return
		case <-time.After(5 * time.Second):
		}
		t.Logf("interrupting terraform test")
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-h.tfDone:
			h.tfDone <- err
		case <-time.After(5 * time.Minute):
			_ = cmd.Process.Kill()
		}
		_ = logf.Close()
	})
}

func (h *harness) waitStep(t *testing.T, step string) bool {
	t.Helper()
	if waitUntil(10*time.Minute, func() bool {
		select {
		case err := <-h.tfDone:
			h.tfDone <- err
			return true
		default:
		}
		_, err := os.Stat(filepath.Join(h.steps, step+".reached"))
		return err == nil
	}) {
		if _, err := os.Stat(filepath.Join(h.steps, step+".reached")); err == nil {
			return true
		}
	}
	t.Errorf("terraform test never reached the %q pause:\n%s", step, tail(h.tfLog, 40))
	return false
}

func (h *harness) release(step string) {
	_ = os.WriteFile(filepath.Join(h.steps, step+".done"), nil, 0o644)
}

// serveNetwork waits for the module's objects, follows its routes to its Services, starts the
// stand-ins on the pod addresses at the ports the Services' targetPorts name in the StatefulSet,
// and gives the Services EndpointSlices with those addresses. It returns the network's namespace.
func (h *harness) serveNetwork(t *testing.T, ctx context.Context, podAddrs []string) string {
	ns := fmt.Sprintf("spacemesh-%d", netID)
	type ingressRoute struct {
		Spec struct {
			Routes []struct {
				Match    string `json:"match"`
				Services []struct {
					Name   string `json:"name"`
					Port   int    `json:"port"`
					Scheme string `json:"scheme"`
				} `json:"services"`
			} `json:"routes"`
		} `json:"spec"`
	}
	type ingress struct {
		Spec struct {
			Rules []struct {
				Host string `json:"host"`
				HTTP struct {
					Paths []struct {
						Backend struct {
							Service struct {
								Name string `json:"name"`
								Port struct {
									Number int `json:"number"`
								} `json:"port"`
							} `json:"service"`
						} `json:"backend"`
					} `json:"paths"`
				} `json:"http"`
			} `json:"rules"`
		} `json:"spec"`
	}
	var (
		routes    struct{ Items []ingressRoute }
		ingresses struct{ Items []ingress }
		sets      struct{ Items []workload }
		maps      struct {
			Items []struct {
				Data map[string]string `json:"data"`
			}
		}
	)
	var lastErr error
	ok := waitUntil(5*time.Minute, func() bool {
		select {
		case err := <-h.tfDone:
			h.tfDone <- err
			return true
		default:
		}
		for _, q := range []struct {
			path string
			out  any
			n    func() int
		}{
			{"/apis/traefik.io/v1alpha1/namespaces/" + ns + "/ingressroutes", &routes, func() int { return len(routes.Items) }},
			{"/apis/networking.k8s.io/v1/namespaces/" + ns + "/ingresses", &ingresses, func() int { return len(ingresses.Items) - 1 }},
			{"/apis/apps/v1/namespaces/" + ns + "/statefulsets", &sets, func() int { return len(sets.Items) }},
			{"/api/v1/namespaces/" + ns + "/configmaps", &maps, func() int { return 1 }},
		} {
			if lastErr = h.kube.Get(ctx, q.path, q.out); lastErr != nil {
				return false
			}
			if q.n() < 1 {
				lastErr = fmt.Errorf("not yet in %s", q.path)
				return false
			}
		}
		return true
	})
	if !ok || len(routes.Items) == 0 || len(sets.Items) == 0 {
		t.Fatalf("the module's objects did not appear in %s (%v):\n%s", ns, lastErr, tail(h.tfLog, 40))
	}

	backends := map[string]struct { // kind -> Service and port
		svc  string
		port int
	}{}
	hostRe := regexp.MustCompile("Host\\(`([^`]+)`\\)")
	for _, r := range routes.Items {
		for _, rt := range r.Spec.Routes {
			for _, s := range rt.Services {
				if s.Scheme == "h2c" {
					if m := hostRe.FindStringSubmatch(rt.Match); m == nil || m[1] != apiHost {
						t.Fatalf("the gRPC route %q is not for %s", rt.Match, apiHost)
					}
					backends["grpc"] = struct {
						svc  string
						port int
					}{s.Name, s.Port}
				}
			}
		}
	}
	for _, ing := range ingresses.Items {
		for _, r := range ing.Spec.Rules {
			kind := map[string]string{apiHost: "json", statsHost: "stats"}[r.Host]
			if kind == "" {
				t.Fatalf("an Ingress for %s, which is neither %s nor %s", r.Host, apiHost, statsHost)
			}
			b := r.HTTP.Paths[0].Backend.Service
			backends[kind] = struct {
				svc  string
				port int
			}{b.Name, b.Port.Number}
		}
	}
	if len(backends) != 3 {
		t.Fatalf("routes to %v; want the gRPC, JSON and stats backends", backends)
	}
	for _, m := range maps.Items {
		if cfg, ok := m.Data["config.json"]; ok {
			var c struct {
				API map[string]any `json:"api"`
			}
			if err := json.Unmarshal([]byte(cfg), &c); err != nil {
				t.Fatalf("the node config in the ConfigMap: %v", err)
			}
			list, _ := c.API["grpc-cors-allowed-origins"].([]any)
			for _, o := range list {
				if s, ok := o.(string); ok {
					h.allowed = append(h.allowed, s)
				}
			}
		}
	}
	if len(h.allowed) == 0 {
		t.Fatalf("no api.grpc-cors-allowed-origins in the node config the chart installed")
	}

	// Stand-ins: every pod address serves all three, as each API node pod does.
	nodeStatus := func() Status { return Status{Synced: h.synced.Load(), ConnectedPeers: 12, Layer: 1200} }
	gwStatus := func(r *http.Request) Status {
		s := nodeStatus()
		h.mu.Lock()
		h.gwCalls = append(h.gwCalls, gatewayCall{at: time.Now(), userAgent: r.UserAgent(), xfHost: r.Header.Get("X-Forwarded-Host"),
			xfp: r.Header.Get("X-Forwarded-Proto"), answeredSynced: s.Synced, entryPresent: !h.entrySeen.IsZero()})
		h.mu.Unlock()
		return s
	}
	for kind, b := range backends {
		var svc service
		if err := h.kube.Get(ctx, "/api/v1/namespaces/"+ns+"/services/"+b.svc, &svc); err != nil {
			t.Fatal(err)
		}
		var tmpl *podTemplate
		for i := range sets.Items {
			match := true
			for k, v := range svc.Spec.Selector {
				match = match && sets.Items[i].Spec.Template.Metadata.Labels[k] == v
			}
			if match && len(svc.Spec.Selector) > 0 {
				tmpl = &sets.Items[i].Spec.Template
			}
		}
		if tmpl == nil {
			t.Fatalf("no StatefulSet's pods are selected by Service %s", b.svc)
		}
		portName, port := "", 0
		for _, p := range svc.Spec.Ports {
			if p.Port == b.port {
				to, err := targetPort(p.TargetPort, *tmpl)
				if err != nil {
					t.Fatalf("Service %s: %v", b.svc, err)
				}
				portName, port = p.Name, to
			}
		}
		if port == 0 {
			t.Fatalf("Service %s has no port %d", b.svc, b.port)
		}
		for _, addr := range podAddrs {
			l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
			if err != nil {
				t.Fatalf("listening as a pod on %s:%d: %v", addr, port, err)
			}
			switch kind {
			case "grpc":
				n, err := NewNode(nodeStatus)
				if err != nil {
					t.Fatal(err)
				}
				h.nodes = append(h.nodes, n)
				go func() { _ = n.Serve(l) }()
				t.Cleanup(n.Stop)
			case "json":
				g, err := NewGateway(gwStatus, h.allowed)
				if err != nil {
					t.Fatal(err)
				}
				h.gateways = append(h.gateways, g)
				serveHTTP(t, l, g)
			case "stats":
				s := &Stats{}
				h.stats = append(h.stats, s)
				serveHTTP(t, l, s)
			}
		}
		slice := EndpointSlice(ns, b.svc, podAddrs, []EndpointPort{{Name: portName, Port: port}})
		if err := h.kube.Do(ctx, http.MethodPost, "/apis/discovery.k8s.io/v1/namespaces/"+ns+"/endpointslices", slice, nil); err != nil {
			t.Fatalf("EndpointSlice for %s: %v", b.svc, err)
		}
		h.mu.Lock()
		h.slicesAt = time.Now()
		h.mu.Unlock()
		t.Logf("%s: Service %s port %d (%s) -> stand-ins on %v port %d", kind, b.svc, b.port, portName, podAddrs, port)
	}
	return ns
}

func serveHTTP(t *testing.T, l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// dialClients makes the clients of the checks: gRPC over TLS to the API host on 443 (as Smapp and
// grpcurl connect), and https (HTTP/2, as browsers) trusting the test CA.
func (h *harness) dialClients(t *testing.T) {
	conn, err := grpc.NewClient("passthrough:///"+apiHost+":443",
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: h.roots, ServerName: apiHost})))
	if err != nil {
		t.Fatal(err)
	}
	h.grpcConn = conn
	t.Cleanup(func() { _ = conn.Close() })
	h.httpClient = &http.Client{
		Timeout:       30 * time.Second,
		Transport:     userAgent{&http.Transport{TLSClientConfig: &tls.Config{RootCAs: h.roots}, ForceAttemptHTTP2: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// waitForRoutes gives Traefik a minute to load the routes (it reads the API server's objects and
// throttles reloads); the checks then say what works.
func (h *harness) waitForRoutes(t *testing.T, ctx context.Context) {
	start := time.Now()
	ok := waitUntil(time.Minute, func() bool {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, gerr := CallStatus(cctx, h.grpcConn)
		resp, jerr := h.postJSON(ctx, nil)
		if jerr == nil {
			_ = resp.Body.Close()
		}
		return gerr == nil && jerr == nil && resp.StatusCode == 200
	})
	if ok {
		h.mu.Lock()
		h.routesAt = time.Now()
		h.mu.Unlock()
		t.Logf("the gRPC and JSON routes answered %s after the stand-ins started", time.Since(start).Round(time.Millisecond))
	} else {
		t.Logf("the routes did not both answer within a minute; the checks say what fails. Traefik's log:\n%s", tail(h.traefikLogFile, 40))
	}
}

func (h *harness) postJSON(ctx context.Context, hdr map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+apiHost+StatusMethod, strings.NewReader("{}"))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return h.httpClient.Do(req)
}

func (h *harness) nodeUnaryCalls() (n int) {
	for _, x := range h.nodes {
		n += x.UnaryCalls()
	}
	return n
}

func (h *harness) gatewayCalls() (n int) {
	for _, x := range h.gateways {
		n += x.Calls()
	}
	return n
}

func (h *harness) statsCalls() (n int) {
	for _, x := range h.stats {
		n += x.Calls()
	}
	return n
}

// ---- checks -------------------------------------------------------------------------------------

func (h *harness) checkGRPCStatus(t *testing.T) {
	before := h.nodeUnaryCalls()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := CallStatus(ctx, h.grpcConn)
	if err != nil {
		t.Fatalf("NodeService/Status over TLS to %s:443: %v", apiHost, err)
	}
	if h.nodeUnaryCalls() != before+1 || s.ConnectedPeers != 12 {
		t.Errorf("the call was answered (%+v) but not by the node's gRPC listener (%d calls there before, %d after)", s, before, h.nodeUnaryCalls())
	}
}

func (h *harness) checkJSONWithCurl(t *testing.T) {
	before := h.gatewayCalls()
	out, err := exec.Command("curl", "-sS", "--cacert", h.caFile, "-X", "POST", "-d", "{}", "-w", "\n%{http_code}",
		"https://"+apiHost+StatusMethod).CombinedOutput()
	if err != nil {
		t.Fatalf("curl -X POST -d '{}' https://%s%s: %v\n%s", apiHost, StatusMethod, err, out)
	}
	body, code, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	var st struct {
		Status string `json:"status"`
	}
	if code != "200" || json.Unmarshal([]byte(body), &st) != nil || !strings.HasPrefix(st.Status, "SYNC_STATUS_") {
		t.Fatalf("curl: HTTP %s: %s", code, body)
	}
	if h.gatewayCalls() != before+1 {
		t.Errorf("curl was answered but not by the JSON gateway")
	}
}

func (h *harness) checkPreflight(t *testing.T) {
	origin := h.allowed[0]
	req, _ := http.NewRequest(http.MethodOptions, "https://"+apiHost+StatusMethod, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := h.httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != origin ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")), "content-type") {
		t.Fatalf("preflight from %s: %s, headers %v", origin, resp.Status, resp.Header)
	}
	resp, err = h.postJSON(context.Background(), map[string]string{"Origin": origin})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("POST from %s: %s, headers %v", origin, resp.Status, resp.Header)
	}
	resp, err = h.postJSON(context.Background(), map[string]string{"Origin": "https://elsewhere.example.net"})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("an origin the node does not allow is allowed: %v", resp.Header)
	}
}

func (h *harness) checkRedirect(t *testing.T) {
	for _, host := range []string{apiHost, statsHost} {
		resp, err := h.httpClient.Get("http://" + host + StatusMethod + "?x=1")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		want := "https://" + host + StatusMethod + "?x=1"
		if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != want {
			t.Errorf("http://%s: %s, Location %q; want a redirect to %s (port 443, the only https port the load balancer has)",
				host, resp.Status, resp.Header.Get("Location"), want)
		}
	}
}

func (h *harness) checkUnknownHost(t *testing.T) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: userAgent{&http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, ServerName: otherHost}, //nolint:gosec // no route, no certificate
	}}}
	gw, node := h.gatewayCalls(), h.nodeUnaryCalls()
	for _, ct := range []string{"application/json", "application/grpc"} {
		req, _ := http.NewRequest(http.MethodPost, "https://"+otherHost+StatusMethod, strings.NewReader("{}"))
		req.Header.Set("Content-Type", ct)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("Host %s (%s): %s; want 404", otherHost, ct, resp.Status)
		}
	}
	if h.gatewayCalls() != gw || h.nodeUnaryCalls() != node {
		t.Errorf("a host that is not the network's reached the node")
	}
}

func (h *harness) checkStats(t *testing.T, want int, within time.Duration) {
	var got *http.Response
	var body []byte
	before := h.statsCalls()
	ok := waitUntil(within, func() bool {
		resp, err := h.httpClient.Get("https://" + statsHost + "/overview")
		if err != nil {
			t.Logf("GET https://%s/overview: %v", statsHost, err)
			return false
		}
		body, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		got = resp
		return resp.StatusCode == want
	})
	if !ok || got == nil {
		status := "no answer"
		if got != nil {
			status = got.Status
		}
		t.Fatalf("GET https://%s/overview from 127.0.0.1: %s (%s); want %d", statsHost, status, strings.TrimSpace(string(body)), want)
	}
	reached := h.statsCalls() > before
	if want == http.StatusOK && (!reached || !strings.Contains(string(body), "layers_count")) {
		t.Errorf("200 but not the stats API's overview: %s", body)
	}
	if want == http.StatusForbidden && reached {
		t.Errorf("refused, but the request reached the stats API")
	}
}

// gRPC-Web is not gRPC: go-spacemesh serves none (its gRPC listener is grpc-go, which refuses any
// other content type with 415) and no Spacemesh client speaks it (Smapp: grpc-js over HTTP/2,
// smcli: grpc-go, the frontends: the JSON gateway). The gRPC route must not take it; it goes where
// every non-gRPC request goes, the JSON gateway, which answers what it answers to a body that is not
// JSON (InvalidArgument), and a browser's gRPC-Web preflight gets no CORS grant (x-grpc-web is not
// an allowed header).
func (h *harness) checkGRPCWeb(t *testing.T) {
	gw, node := h.gatewayCalls(), h.nodeUnaryCalls()
	req, _ := http.NewRequest(http.MethodPost, "https://"+apiHost+StatusMethod, strings.NewReader("\x00\x00\x00\x00\x00"))
	req.Header.Set("Content-Type", "application/grpc-web+proto")
	req.Header.Set("X-Grpc-Web", "1")
	resp, err := h.httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if h.nodeUnaryCalls() != node || h.gatewayCalls() != gw+1 || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("gRPC-Web POST: %s %q (gRPC listener calls %d -> %d, JSON gateway calls %d -> %d); want the JSON gateway's 400",
			resp.Status, body, node, h.nodeUnaryCalls(), gw, h.gatewayCalls())
	}
	req, _ = http.NewRequest(http.MethodOptions, "https://"+apiHost+StatusMethod, nil)
	req.Header.Set("Origin", h.allowed[0])
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent")
	resp, err = h.httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a gRPC-Web preflight was granted: %v", resp.Header)
	}
}

func (h *harness) openStreams() (n int) {
	for _, x := range h.nodes {
		n += x.OpenStreams()
	}
	return n
}

// checkSilentStream holds Smapp's status stream open with nothing to say for -stream-silence (3
// minutes), on a connection with no other traffic, then lets the node speak.
func (h *harness) checkSilentStream(t *testing.T) {
	conn, err := grpc.NewClient("passthrough:///"+apiHost+":443",
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: h.roots, ServerName: apiHost})))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := OpenStatusStream(ctx, conn)
	if err != nil {
		t.Fatalf("opening %s: %v", StatusStreamMethod, err)
	}
	if err := stream.Header(); err != nil {
		t.Fatalf("%s: no headers: %v", StatusStreamMethod, err)
	}
	if !waitUntil(10*time.Second, func() bool { return h.openStreams() == 1 }) {
		t.Fatalf("%d status streams open at the node; want 1", h.openStreams())
	}
	type result struct {
		s   Status
		err error
	}
	recv := make(chan result, 1)
	go func() {
		s, err := stream.Recv()
		recv <- result{s, err}
	}()
	start := time.Now()
	select {
	case r := <-recv:
		t.Fatalf("the stream ended after %s of silence: %v (open at the node now: %d)", time.Since(start).Round(time.Second), r.err, h.openStreams())
	case <-time.After(*streamSilence):
	}
	if n := h.openStreams(); n != 1 {
		t.Fatalf("after %s of silence %d streams are open at the node", *streamSilence, n)
	}
	want := Status{Synced: false, ConnectedPeers: 13, Layer: 1201}
	sent := 0
	for _, n := range h.nodes {
		sent += n.Publish(want)
	}
	select {
	case r := <-recv:
		if r.err != nil || r.s != want {
			t.Fatalf("after %s of silence the node published to %d streams; the client got %+v, %v", *streamSilence, sent, r.s, r.err)
		}
		t.Logf("silent for %s, then delivered %+v", *streamSilence, r.s)
	case <-time.After(10 * time.Second):
		t.Fatalf("after %s of silence the node published to %d streams; nothing arrived in 10 s", *streamSilence, sent)
	}
}

// benchmark: -bench-rate requests/s for -bench-duration, alternating gRPC (NodeService/Status over
// one TLS connection, as a client keeps it) and JSON (POST of the same method over HTTP/2, as
// browsers), through the load balancer and Traefik. Figures, not assertions.
func (h *harness) benchmark(t *testing.T) {
	perKind, all := Load(context.Background(), *benchRate, *benchDuration, []string{"grpc", "json"}, func(ctx context.Context, kind string) error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if kind == "grpc" {
			_, err := CallStatus(ctx, h.grpcConn)
			return err
		}
		resp, err := h.postJSON(ctx, nil)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	})
	report := fmt.Sprintf("benchmark: %g req/s for %s, gRPC and JSON alternating, through the load balancer and Traefik %s\n  all:  %s\n  gRPC: %s\n  JSON: %s\n",
		*benchRate, *benchDuration, "(TLS on 443)", all, perKind["grpc"], perKind["json"])
	t.Log(report)
	_ = os.WriteFile(filepath.Join(h.work, "benchmark.txt"), []byte(report), 0o644)
}

// checkSync lets the node report synced and checks the provider: it polled the node through the
// route while the node was syncing, wrote nothing then, and wrote the entry after a synced answer.
func (h *harness) checkSync(t *testing.T) {
	h.synced.Store(true)
	if !waitUntil(2*time.Minute, h.entryPresent) {
		t.Fatalf("the entry was not written within 2 minutes of the node reporting synced:\n%s", tail(h.tfLog, 30))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var syncing, synced int
	firstSynced := time.Time{}
	for _, c := range h.gwCalls {
		// The provider's polls (Go's default User-Agent); the checks' own requests say
		// dataplane-test, curl says curl/.
		if !strings.HasPrefix(c.userAgent, "Go-http-client/") {
			continue
		}
		if c.xfHost != apiHost || c.xfp != "https" {
			t.Errorf("a status poll came with X-Forwarded-Host %q, X-Forwarded-Proto %q: not through the route", c.xfHost, c.xfp)
		}
		if c.answeredSynced {
			synced++
			if firstSynced.IsZero() {
				firstSynced = c.at
			}
		} else {
			syncing++
			if c.entryPresent {
				t.Errorf("the entry was in the document while the node answered SYNCING (at %s)", c.at.Format(time.RFC3339Nano))
			}
		}
	}
	if syncing == 0 || firstSynced.IsZero() || !h.entrySeen.After(firstSynced) {
		t.Errorf("polls answered SYNCING %d, SYNCED %d (first at %s); entry written at %s", syncing, synced, firstSynced, h.entrySeen)
	}
	t.Logf("the provider polled through the route; answered SYNCING %d times (entry absent each time), entry written %s after the first SYNCED answer",
		syncing, h.entrySeen.Sub(firstSynced).Round(time.Millisecond))
}

// checkTraefikLog: nothing Traefik reported as an error or a warning while serving the module
// (its own log lines and those of the Kubernetes client it embeds), except two that any Traefik
// writes: the notice about encoded characters it logs at every start (traefik v3.7.11
// cmd/traefik/traefik.go, runCmd), "no endpoints"/"no servers found" for the Services before
// the test gave them EndpointSlices (pods that are not ready yet), and, before the routes first
// answered, the lines of objects still being created. Read up to the destroy.
func (h *harness) checkTraefikLog(t *testing.T) {
	ansi := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	level := regexp.MustCompile(`^(\S+) (ERR|WRN|FTL|PNC) (.*)$`)
	klog := regexp.MustCompile(`^[EWF][0-9]{4} `)
	b, err := os.ReadFile(h.traefikLogFile)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	slicesAt, routesAt, before := h.slicesAt, h.routesAt, h.logBefore
	h.mu.Unlock()
	if before > 0 && before < len(b) {
		b = b[:before]
	}
	var bad []string
	for _, line := range strings.Split(ansi.ReplaceAllString(string(b), ""), "\n") {
		if klog.MatchString(line) {
			bad = append(bad, line)
			continue
		}
		m := level.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if strings.HasPrefix(m[3], "Traefik can reject some encoded characters in the request path.") {
			continue
		}
		noEndpoints := strings.HasPrefix(m[3], "Skipping service: no endpoints found") || strings.HasPrefix(m[3], `error="no servers found for `)
		if at, err := time.Parse(time.RFC3339, m[1]); err == nil && noEndpoints &&
			(slicesAt.IsZero() || !at.After(slicesAt.Add(time.Second))) {
			continue
		}
		// While the module's objects are still being created (helm and terraform write them one by
		// one, and the ingress status while Traefik writes it too), Traefik can see a route before
		// the Middleware or ServersTransport it names, and lose an update race on an Ingress's
		// status; both settle by themselves. Only before the routes first answered: after that, the
		// same lines are faults.
		settling := strings.HasPrefix(m[3], `error="middleware \"`) && strings.Contains(m[3], `does not exist"`) ||
			strings.Contains(m[3], "getting RoundTripper: servers transport not found") ||
			strings.HasPrefix(m[3], "Error while updating ingress status") && strings.Contains(m[3], "the object has been modified")
		if at, err := time.Parse(time.RFC3339, m[1]); err == nil && settling && !routesAt.IsZero() && !at.After(routesAt) {
			continue
		}
		bad = append(bad, line)
	}
	if len(bad) > 0 {
		if len(bad) > 20 {
			bad = append(bad[:20], fmt.Sprintf("... and %d more", len(bad)-20))
		}
		t.Errorf("Traefik's log has errors or warnings:\n%s", strings.Join(bad, "\n"))
	}
}

// ---- helpers ------------------------------------------------------------------------------------

func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func grepLines(path string, re *regexp.Regexp) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer func() { _ = f.Close() }()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if re.MatchString(sc.Text()) {
			out = append(out, sc.Text())
		}
	}
	return strings.Join(out, "\n")
}

// userAgent marks the checks' own requests, so that the provider's polls can be told from them.
type userAgent struct{ rt http.RoundTripper }

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", "dataplane-test")
	return u.rt.RoundTrip(r)
}
