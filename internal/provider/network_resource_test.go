package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/netconf"
)

const networkAddr = "spacemesh_network.test"

// netconfTestdata is the absolute path of a config in internal/netconf/testdata.
func netconfTestdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "netconf", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// networkHCL renders the provider block and a spacemesh_network with valid
// releases; attrs are extra or overriding attributes, as HCL expressions.
func networkHCL(providerDomain string, attrs map[string]string) string {
	all := map[string]string{
		"name":                    `"Test Network"`,
		"config_url":              `"https://configs.example.org/net.json"`,
		"node_release":            `"v1.7.6"`,
		"min_node_release":        `"v1.6.0"`,
		"latest_node_release":     `"v1.7.6"`,
		"min_smapp_release":       `"1.6.0"`,
		"latest_smapp_release":    `"1.7.2"`,
		"smapp_base_download_url": `"https://smapp.example.org/dist"`,
		"node_base_download_url":  `"https://nodes.example.org/builds"`,
	}
	for k, v := range attrs {
		if v == "" {
			delete(all, k)
		} else {
			all[k] = v
		}
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("provider \"spacemesh\" {\n")
	if providerDomain != "" {
		fmt.Fprintf(&b, "  domain = %q\n", providerDomain)
	}
	b.WriteString("}\n\nresource \"spacemesh_network\" \"test\" {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, all[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// networkErrRe matches a phrase however terraform wraps it.
func networkErrRe(phrase string) *regexp.Regexp {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

func networkFileExpr(p string) string { return fmt.Sprintf("file(%q)", p) }

// checkNetworkAPINodeConfig decodes api_node_config and checks a few keys.
func checkNetworkAPINodeConfig(want map[string]any) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(networkAddr, "api_node_config", func(v string) error {
		var m map[string]any
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return fmt.Errorf("api_node_config is not JSON: %v", err)
		}
		for k, w := range want {
			var cur any = m
			for _, p := range strings.Split(k, ".") {
				obj, _ := cur.(map[string]any)
				cur = obj[p]
			}
			if fmt.Sprint(cur) != fmt.Sprint(w) {
				return fmt.Errorf("api_node_config %s = %v, want %v", k, cur, w)
			}
		}
		return nil
	})
}

func networkIdentityOf(t *testing.T, file string, netID int64) *netconf.Identity {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := netconf.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.Identity(netID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAccNetworkCurrentConfig(t *testing.T) {
	cfgFile := netconfTestdata(t, "testnet-current.json")
	id := networkIdentityOf(t, cfgFile, 42)
	hcl := networkHCL("example.org", map[string]string{"config_json": networkFileExpr(cfgFile), "net_id": "42", "cors_origins": `["https://explore.example.org"]`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: hcl,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionCreate),
				// Everything is derived at plan time when the inputs are known.
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("net_id"), knownvalue.Int64Exact(42)),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("api_json_url"), knownvalue.StringExact("https://42.api.example.org")),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("discovery_entry"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"net_id":                  knownvalue.Int64Exact(42),
					"net_name":                knownvalue.StringExact("Test Network"),
					"conf":                    knownvalue.StringExact("https://configs.example.org/net.json"),
					"api_json":                knownvalue.StringExact("https://42.api.example.org"),
					"api_grpc":                knownvalue.StringExact("https://42.api.example.org"),
					"explorer":                knownvalue.StringExact("https://42.explore.example.org/"),
					"dash":                    knownvalue.StringExact("https://42.dash.example.org/"),
					"stats_api":               knownvalue.StringExact("https://42.stats.example.org"),
					"explorer_api":            knownvalue.StringExact("https://42.stats.example.org"),
					"dash_api":                knownvalue.StringExact("https://42.stats.example.org/#dash-42"),
					"min_node_release":        knownvalue.StringExact("v1.6.0"),
					"latest_node_release":     knownvalue.StringExact("v1.7.6"),
					"min_smapp_release":       knownvalue.StringExact("1.6.0"),
					"latest_smapp_release":    knownvalue.StringExact("1.7.2"),
					"smapp_base_download_url": knownvalue.StringExact("https://smapp.example.org/dist"),
					"node_base_download_url":  knownvalue.StringExact("https://nodes.example.org/builds"),
					"genesis_id":              knownvalue.StringExact(id.SmappGenesisID),
				})),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("labels_per_unit"), knownvalue.Int64Exact(1024)),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("layer_duration_seconds"), knownvalue.Int64Exact(300)),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("api_node_version"), knownvalue.StringExact("1.7.6")),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("allowed_origins"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("https://42.explore.example.org"), knownvalue.StringExact("https://42.dash.example.org"),
					knownvalue.StringExact("https://explore.example.org"),
				})),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("genesis_id"), knownvalue.StringExact(id.GenesisID)),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("discovery_entry").AtMapKey("genesis_id"), knownvalue.StringExact(id.SmappGenesisID)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(networkAddr, "id", "42"),
				resource.TestCheckResourceAttr(networkAddr, "net_id", "42"),
				resource.TestCheckResourceAttr(networkAddr, "genesis_time", "2026-09-01T12:00:00Z"),
				resource.TestCheckResourceAttr(networkAddr, "genesis_id", id.GenesisID),
				resource.TestCheckResourceAttr(networkAddr, "smapp_genesis_id", id.SmappGenesisID),
				resource.TestCheckResourceAttr(networkAddr, "hrp", "stest"),
				resource.TestCheckResourceAttr(networkAddr, "layer_duration", "5m0s"),
				resource.TestCheckResourceAttr(networkAddr, "layers_per_epoch", "288"),
				resource.TestCheckResourceAttr(networkAddr, "config_sha256", id.ConfigSHA256),
				resource.TestCheckResourceAttr(networkAddr, "api_json_url", "https://42.api.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "api_grpc_url", "https://42.api.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "stats_api_url", "https://42.stats.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "stats_api_host", "42.stats.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "explorer_url", "https://42.explore.example.org/"),
				resource.TestCheckResourceAttr(networkAddr, "dash_url", "https://42.dash.example.org/"),
				resource.TestCheckResourceAttr(networkAddr, "api_host", "42.api.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "explorer_host", "42.explore.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "dash_host", "42.dash.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "api_host_pattern", netconf.DefaultAPIHostPattern),
				resource.TestCheckResourceAttr(networkAddr, "api_json_port", "443"),
				resource.TestCheckResourceAttr(networkAddr, "api_node_json_port", "9091"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.net_id", "42"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.net_name", "Test Network"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.conf", "https://configs.example.org/net.json"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.api_json", "https://42.api.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.api_grpc", "https://42.api.example.org"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.explorer", "https://42.explore.example.org/"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.dash", "https://42.dash.example.org/"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.min_node_release", "v1.6.0"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.latest_node_release", "v1.7.6"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.min_smapp_release", "1.6.0"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.latest_smapp_release", "1.7.2"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.smapp_base_download_url", "https://smapp.example.org/dist"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.node_base_download_url", "https://nodes.example.org/builds"),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.genesis_id", id.SmappGenesisID),
				checkNetworkAPINodeConfig(map[string]any{
					"api.grpc-public-listener":      "0.0.0.0:9092",
					"api.grpc-json-listener":        "0.0.0.0:9091",
					"api.grpc-private-listener":     "127.0.0.1:9093",
					"api.grpc-post-listener":        "127.0.0.1:0",
					"api.grpc-tls-listener":         "",
					"api.grpc-cors-allowed-origins": []any{"https://42.explore.example.org", "https://42.dash.example.org", "https://explore.example.org"},
					"smeshing.smeshing-start":       false,
					"logging.hare":                  "warn",
				}),
			),
		}, {
			// A plan with nothing changed is empty (nothing drifts).
			Config:   hcl,
			PlanOnly: true,
		}},
	})
}

func TestAccNetworkLegacyConfig(t *testing.T) {
	cfgFile := netconfTestdata(t, "testnet-118-legacy.json")
	id := networkIdentityOf(t, cfgFile, 0)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// No net_id: the legacy config carries 118. The resource's domain
			// and patterns override the provider's.
			Config: networkHCL("example.org", map[string]string{
				"config_json":           networkFileExpr(cfgFile),
				"domain":                `"sm.example.net"`,
				"explorer_host_pattern": `"explorer-{net_id}.{domain}"`,
				"api_node_grpc_port":    "9090",
				"node_release":          `"v1.2.13"`,
				"min_node_release":      `"v1.2.0"`,
			}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("net_id"), knownvalue.Int64Exact(118)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(networkAddr, "net_id", "118"),
				resource.TestCheckResourceAttr(networkAddr, "hrp", "sm"),
				resource.TestCheckResourceAttr(networkAddr, "layer_duration", "5m0s"),
				resource.TestCheckResourceAttr(networkAddr, "genesis_id", id.GenesisID),
				resource.TestCheckResourceAttr(networkAddr, "api_grpc_url", "https://118.api.sm.example.net"),
				resource.TestCheckResourceAttr(networkAddr, "explorer_url", "https://explorer-118.sm.example.net/"),
				checkNetworkAPINodeConfig(map[string]any{
					"api.grpc-public-listener":  "0.0.0.0:9090",
					"api.grpc-private-services": []any{"admin", "smesher", "debug"},
					"p2p.network-id":            118,
					// v1.2 knows no CORS list, TLS listener or post listener.
					"api.grpc-cors-allowed-origins": nil,
					"api.grpc-tls-listener":         nil,
					"api.grpc-post-listener":        nil,
				}),
			),
		}, {
			// Giving the same net id changes nothing.
			Config: networkHCL("example.org", map[string]string{
				"config_json": networkFileExpr(cfgFile), "net_id": "118", "domain": `"sm.example.net"`,
				"explorer_host_pattern": `"explorer-{net_id}.{domain}"`, "api_node_grpc_port": "9090",
				"node_release": `"v1.2.13"`, "min_node_release": `"v1.2.0"`,
			}),
			PlanOnly: true,
		}},
	})
}

// Every validation error, at plan time, naming the attribute and both what
// was expected and what was given.
func TestAccNetworkValidation(t *testing.T) {
	current := networkFileExpr(netconfTestdata(t, "testnet-current.json"))
	legacy := networkFileExpr(netconfTestdata(t, "testnet-118-legacy.json"))
	step := func(providerDomain string, attrs map[string]string, want string) resource.TestStep {
		return resource.TestStep{Config: networkHCL(providerDomain, attrs), PlanOnly: true, ExpectError: networkErrRe(want)}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			step("example.org", map[string]string{"config_json": legacy, "net_id": "119"},
				"net_id 119 disagrees with the config's p2p.network-id 118"),
			step("example.org", map[string]string{"config_json": current},
				"net_id is required: the config has no p2p.network-id"),
			step("example.org", map[string]string{"config_json": current, "net_id": "0"},
				"net_id value must be at least 1, got: 0"),
			step("example.org", map[string]string{"config_json": networkFileExpr(netconfTestdata(t, "no-genesis.json")), "net_id": "5"},
				"missing from node config: genesis.genesis-time and genesis.genesis-extra-data"),
			step("example.org", map[string]string{"config_json": networkFileExpr(netconfTestdata(t, "not-json.json")), "net_id": "5"},
				"node config is not JSON: invalid character ',' looking for beginning of object key string at line 1, column 34"),
			step("example.org", map[string]string{"config_json": networkFileExpr(netconfTestdata(t, "unsafe-public-smesher.json")), "net_id": "5", "node_release": `"develop"`},
				`node_version: is required: node_release "develop" is not a semver tag`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "node_release": `"v1.7.6+1"`},
				`"v1.7.6+1" cannot name an image: Docker tags cannot contain '+'`),
			step("example.org", map[string]string{"config_json": `jsonencode({genesis = {genesis-time = "2026-09-01T12:00:00Z", genesis-extra-data = "x"}, api = {grpc-private-listener = "9093"}})`, "net_id": "5"},
				`api.grpc-private-listener: "9093" is not a "host:port" listen address`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "smapp_base_download_url": `"https://smapp.example.org/dist/"`},
				`smapp_base_download_url: expected a base URL without a trailing '/', got "https://smapp.example.org/dist/"`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "cors_origins": `["https://explore.example.org/"]`},
				`expected an https origin such as "https://explore.example.org" (no path)`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "config_url": `"http://configs.example.org/net.json"`},
				`expected an https URL (plain http and other schemes are not allowed), got "http://configs.example.org/net.json"`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "smapp_base_download_url": `"http://smapp.example.org"`},
				"smapp_base_download_url: expected an https URL"),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "min_node_release": `"1.8"`},
				`min_node_release: expected a semantic version such as 1.2.3 or v1.2.3, got "1.8"`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "min_smapp_release": `"v2.0.0"`},
				`latest_smapp_release is "1.7.2", older than min_smapp_release "v2.0.0"`),
			step("", map[string]string{"config_json": current, "net_id": "5"},
				"domain: is required: api_host_pattern \"{net_id}.api.{domain}\" uses {domain}"),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "domain": `"Example.org"`},
				"Invalid domain"),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "dash_host_pattern": `"dash.{domain}"`},
				`"dash.{domain}" must contain {net_id}: without it every network would get the same host name`),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "api_json_port": "70000"},
				"api_json_port value must be between 1 and 65535, got: 70000"),
			step("example.org", map[string]string{"config_json": current, "net_id": "5", "api_node_json_port": "9092"},
				"api_node_json_port: the JSON gateway and gRPC cannot share port 9092"),
		},
	})
}

func TestAccNetworkReleaseUpdatesInPlace(t *testing.T) {
	cfg := networkFileExpr(netconfTestdata(t, "testnet-current.json"))
	base := map[string]string{"config_json": cfg, "net_id": "42"}
	changed := map[string]string{
		"config_json": cfg, "net_id": "42", "name": `"Renamed Network"`,
		"node_release": `"v1.8.0"`, "latest_node_release": `"v1.8.0"`, "min_smapp_release": `"1.7.0"`,
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: networkHCL("example.org", base)},
			{
				Config: networkHCL("example.org", changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("discovery_entry").AtMapKey("latest_node_release"), knownvalue.StringExact("v1.8.0")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(networkAddr, "node_release", "v1.8.0"),
					resource.TestCheckResourceAttr(networkAddr, "discovery_entry.net_name", "Renamed Network"),
					resource.TestCheckResourceAttr(networkAddr, "discovery_entry.min_smapp_release", "1.7.0"),
				),
			},
			{
				// The domain moves the URLs, in place: same network.
				Config: networkHCL("example.net", changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttr(networkAddr, "discovery_entry.api_json", "https://42.api.example.net"),
			},
		},
	})
}

// writeNetworkConfig writes a current-shape config with the given genesis extra data
// and bootnode, returning its path.
func writeNetworkConfig(t *testing.T, name, extra, bootnode string) string {
	t.Helper()
	doc := fmt.Sprintf(`{
  "preset": "testnet",
  "main": {"network-hrp": "stest", "layer-duration": "5m", "layers-per-epoch": 288},
  "genesis": {"genesis-time": "2026-09-01T12:00:00Z", "genesis-extra-data": %q},
  "p2p": {"bootnodes": [%q]}
}
`, extra, bootnode)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAccNetworkGenesisChangeReplaces(t *testing.T) {
	a := writeNetworkConfig(t, "a.json", "net-a", "/dns4/b1.example.org/tcp/5000")
	aBoot := writeNetworkConfig(t, "a2.json", "net-a", "/dns4/b2.example.org/tcp/5000")
	b := writeNetworkConfig(t, "b.json", "net-b", "/dns4/b2.example.org/tcp/5000")
	hcl := func(p string, netID string) string {
		return networkHCL("example.org", map[string]string{"config_json": networkFileExpr(p), "net_id": netID})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: hcl(a, "7")},
			{
				// Same genesis, other bootnodes: the same network, in place.
				Config: hcl(aBoot, "7"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttrWith(networkAddr, "api_node_config", func(v string) error {
					if !strings.Contains(v, "b2.example.org") {
						return fmt.Errorf("api_node_config was not re-rendered")
					}
					return nil
				}),
			},
			{
				Config: hcl(b, "7"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.TestCheckResourceAttr(networkAddr, "genesis_id", networkIdentityOf(t, b, 7).GenesisID),
			},
			{
				// Another net id is another network.
				Config: hcl(b, "8"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionReplace),
				}},
			},
		},
	})
}

// networkConfigServer serves a node config over https with the test's own CA, on
// any host name the test uses (the certificate covers *.example.com).
type networkConfigServer struct {
	srv *httptest.Server
	mu  sync.Mutex
	doc []byte
	st  int
}

func (c *networkConfigServer) set(doc []byte, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.doc, c.st = doc, status
}

func startNetworkConfigServer(t *testing.T, doc []byte) *networkConfigServer {
	t.Helper()
	cs := &networkConfigServer{doc: doc, st: http.StatusOK}
	cs.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		cs.mu.Lock()
		doc, st := cs.doc, cs.st
		cs.mu.Unlock()
		w.WriteHeader(st)
		w.Write(doc)
	}))
	t.Cleanup(cs.srv.Close)
	client := cs.srv.Client()
	tr := client.Transport.(*http.Transport).Clone()
	addr := cs.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
	}
	client.Transport = tr
	prev := networkConfigClient
	networkConfigClient = client
	t.Cleanup(func() { networkConfigClient = prev })
	return cs
}

func TestAccNetworkFetchesConfigURL(t *testing.T) {
	first, err := os.ReadFile(netconfTestdata(t, "testnet-current.json"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(writeNetworkConfig(t, "new.json", "republished", "/dns4/b1.example.org/tcp/5000"))
	if err != nil {
		t.Fatal(err)
	}
	parsedSecond, err := netconf.Parse(second)
	if err != nil {
		t.Fatal(err)
	}
	secondID, err := parsedSecond.Identity(42)
	if err != nil {
		t.Fatal(err)
	}
	cs := startNetworkConfigServer(t, first)
	const url = "https://configs.example.com/testnet.json"
	hcl := networkHCL("example.org", map[string]string{"config_url": `"` + url + `"`, "net_id": "42"})
	parsed, _ := netconf.Parse(first)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: hcl,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(networkAddr, "config_sha256", parsed.SHA256()),
					resource.TestCheckResourceAttr(networkAddr, "discovery_entry.conf", url),
					resource.TestCheckResourceAttr(networkAddr, "hrp", "stest"),
				),
			},
			{
				// The document at the URL is unchanged: nothing to do.
				Config:   hcl,
				PlanOnly: true,
			},
			{
				// Unreachable config at plan time: an error naming the URL.
				PreConfig:   func() { cs.set([]byte("gone"), http.StatusNotFound) },
				Config:      hcl,
				PlanOnly:    true,
				ExpectError: networkErrRe("config_url: fetching " + url + ": HTTP 404 Not Found"),
			},
			{
				// Not JSON at the URL.
				PreConfig:   func() { cs.set([]byte("<html>maintenance</html>"), http.StatusOK) },
				Config:      hcl,
				PlanOnly:    true,
				ExpectError: networkErrRe("the node config at " + url + ": node config is not JSON"),
			},
			{
				// A new document at the URL is a new network.
				PreConfig: func() { cs.set(second, http.StatusOK) },
				Config:    hcl,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.TestCheckResourceAttr(networkAddr, "genesis_id", secondID.GenesisID),
			},
			{
				// Same genesis, but the document at the URL changed: the URL
				// is the network's, so this is a new network too.
				PreConfig: func() { cs.set(append(second, '\n'), http.StatusOK) },
				Config:    hcl,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(networkAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("genesis_id"), knownvalue.StringExact(secondID.GenesisID)),
				}},
			},
		},
	})
}

// A config known only at apply time (it comes from another resource) is
// derived then; what does not depend on it is still known at plan time.
func TestAccNetworkConfigKnownAtApply(t *testing.T) {
	cfgFile := netconfTestdata(t, "testnet-current.json")
	id := networkIdentityOf(t, cfgFile, 42)
	hcl := `resource "terraform_data" "cfg" {
  input = file(` + fmt.Sprintf("%q", cfgFile) + `)
}
` + networkHCL("example.org", map[string]string{"config_json": "terraform_data.cfg.output", "net_id": "42"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: hcl,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(networkAddr, tfjsonpath.New("genesis_id")),
				plancheck.ExpectUnknownValue(networkAddr, tfjsonpath.New("api_node_config")),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("id"), knownvalue.StringExact("42")),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("api_grpc_url"), knownvalue.StringExact("https://42.api.example.org")),
				plancheck.ExpectKnownValue(networkAddr, tfjsonpath.New("discovery_entry").AtMapKey("dash"), knownvalue.StringExact("https://42.dash.example.org/")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(networkAddr, "genesis_id", id.GenesisID),
				resource.TestCheckResourceAttr(networkAddr, "discovery_entry.genesis_id", id.SmappGenesisID),
				checkNetworkAPINodeConfig(map[string]any{"api.grpc-private-listener": "127.0.0.1:9093"}),
			),
		}},
	})
}
