package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/doccheck"
)

// phraseRe matches the given words in order, however terraform wraps them,
// with anything between the phrases.
func phraseRe(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = networkErrRe(p).String()
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// Values the released clients extend by concatenation are refused at plan
// time when the result would not be the URL meant: a query or fragment in a
// base URL, an explorer URL without its trailing '/', a config URL that
// names no file of its own.
func TestAccDiscoveryEntryClientURLs(t *testing.T) {
	t.Parallel()
	env := fileEnv(t)
	refused := []struct {
		name string
		set  map[string]string
		want []string
	}{
		{"query in smapp base url", map[string]string{"smapp_base_download_url": `"https://smapp.example.org/dist?channel=beta"`},
			[]string{"smapp_base_download_url", `expected a URL without a query ("?...") or fragment ("#..."), got "https://smapp.example.org/dist?channel=beta"`, `"https://smapp.example.org/dist?channel=beta/v1.2.3"`}},
		{"fragment in smapp base url", map[string]string{"smapp_base_download_url": `"https://smapp.example.org/dist#beta"`},
			[]string{"smapp_base_download_url", `or fragment ("#..."), got "https://smapp.example.org/dist#beta"`}},
		{"query in node base url", map[string]string{"node_base_download_url": `"https://nodes.example.org/builds?x=1"`},
			[]string{"node_base_download_url", `got "https://nodes.example.org/builds?x=1"`}},
		{"query in json api", map[string]string{"api_json": `"https://118.api.example.org/?key=1"`},
			[]string{"api_json", `got "https://118.api.example.org/?key=1"`, `"https://118.api.example.org/?key=1/spacemesh.v2alpha1.NodeService/Status"`}},
		{"fragment in grpc api", map[string]string{"api_grpc": `"https://118.api.example.org#grpc"`},
			[]string{"api_grpc", `got "https://118.api.example.org#grpc"`}},
		{"query in stats api", map[string]string{"stats_api": `"https://118.stats.example.org?net=118"`},
			[]string{"stats_api", `got "https://118.stats.example.org?net=118"`, `"https://118.stats.example.org?net=118/overview"`}},
		{"fragment in explorer api", map[string]string{"explorer_api": `"https://118.stats.example.org/#x"`},
			[]string{"explorer_api", `got "https://118.stats.example.org/#x"`}},
		{"query in conf", map[string]string{"conf": `"https://configs.example.org/118.json?v=2"`},
			[]string{"conf", `got "https://configs.example.org/118.json?v=2"`, `"118.json?v=2"`}},
		{"conf naming a directory", map[string]string{"conf": `"https://configs.example.org/118/"`},
			[]string{"conf", `expected a URL that ends in a file name, such as "https://configs.example.org/testnet-118.json", got "https://configs.example.org/118/"`}},
		{"conf without a path", map[string]string{"conf": `"https://configs.example.org"`},
			[]string{"conf", `expected a URL that ends in a file name`}},
		{"conf named like Smapp's copy of the document", map[string]string{"conf": `"https://configs.example.org/118/Networks.json"`},
			[]string{"conf", `"Networks.json" is the name Smapp keeps its copy of the discovery document under`}},
		{"query in explorer", map[string]string{"explorer": `"https://118.explore.example.org/?net=118"`},
			[]string{"explorer", `got "https://118.explore.example.org/?net=118"`, `"https://118.explore.example.org/?net=118accounts/<address>"`}},
		{"fragment in dash", map[string]string{"dash": `"https://118.dash.example.org/#118"`},
			[]string{"dash", `got "https://118.dash.example.org/#118"`, `"https://118.dash.example.org/#118?hide-right-line&darkMode"`}},
		{"explorer without trailing slash", map[string]string{"explorer": `"https://118.explore.example.org"`},
			[]string{"explorer", `expected a URL ending in '/', got "https://118.explore.example.org"`, `"https://118.explore.example.orgaccounts/<address>"`, `"https://118.explore.example.org/"`}},
		{"explorer path without trailing slash", map[string]string{"explorer": `"https://example.org/explorer"`},
			[]string{"explorer", `"https://example.org/exploreraccounts/<address>"`}},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.provider + entryHCL("net", 118, c.set),
					PlanOnly:    true,
					ExpectError: phraseRe(c.want...),
				}},
			})
		})
	}
	// What the clients do not extend keeps its query and fragment: dashAPI is
	// only compared, and the dashboard URL needs no trailing '/'.
	accepted := map[string]map[string]string{
		"dash_api with query and fragment": {"dash_api": `"https://118.stats.example.org/?net=118#dash-118"`},
		"dash without trailing slash":      {"dash": `"https://118.dash.example.org"`},
		"conf in a directory per network":  {"conf": `"https://configs.example.org/118/testnet-118.json"`},
	}
	for name, set := range accepted {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:             env.provider + entryHCL("net", 118, set),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				}},
			})
		})
	}
	if env.read() != nil {
		t.Errorf("a plan wrote the document: %s", env.read())
	}
}

// spacemesh_network publishes config_url as the entry's conf: the same
// rules hold there, at plan time, before anything is fetched.
func TestAccNetworkConfigURLIsAConfURL(t *testing.T) {
	t.Parallel()
	current := networkFileExpr(netconfTestdata(t, "testnet-current.json"))
	step := func(url, want string) resource.TestStep {
		return resource.TestStep{
			Config:      networkHCL("example.org", map[string]string{"config_json": current, "net_id": "5", "config_url": url}),
			PlanOnly:    true,
			ExpectError: phraseRe("config_url", want),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			step(`"https://configs.example.org/net.json?v=2"`, `got "https://configs.example.org/net.json?v=2"`),
			step(`"https://configs.example.org/5/"`, `expected a URL that ends in a file name`),
		},
	})
}

// Two entries of one document that the clients cannot tell apart are
// refused when the second is written: the error names both, the first stays
// as it was written.
func TestAccDiscoveryEntryClashesRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		set  map[string]string
		// keys is the wire key in the smapp and the mission format; own the
		// value entry 119 has when it clashes with nothing.
		keys [2]string
		own  string
		want string
	}{
		{"same dash_api", map[string]string{"dash_api": `"https://stats.example.org/#dash"`},
			[2]string{"dashAPI", "dash-api"}, "https://119.stats.example.org/#dash-119",
			`(?s)Discovery entry clashes with another entry.*net\s+id\s+(118|119)\s+\(Open\s+Testnet\s+(118|119)\).*net\s+id\s+(118|119)\s+\(Open\s+Testnet\s+(118|119)\).*select\s+a\s+network\s+by\s+its`},
		{"same conf file name", map[string]string{"conf": `"https://configs.example.org/%d/config.json"`},
			[2]string{"conf", "conf"}, "https://configs.example.org/119.json",
			`(?s)Discovery entry clashes with another entry.*net\s+id\s+(118|119)\s+\(Open\s+Testnet\s+(118|119)\).*"config.json".*net\s+id\s+(118|119)\s+\(Open\s+Testnet\s+(118|119)\).*fallbackConfigs.ts`},
	}
	for _, c := range cases {
		for _, env := range []docEnv{gcsEnv(t, "smapp"), fileEnv(t)} {
			t.Run(c.name+"/"+env.name, func(t *testing.T) {
				t.Parallel()
				idKey, key := "net-id", c.keys[1]
				env.write([]byte(`[{"net-id": 7, "net-name": "Foreign", "conf": "https://x.example.org/c.json"}]` + "\n"))
				if env.gcs != nil {
					idKey, key = "netID", c.keys[0]
					env.write([]byte(`[{"netID": 7, "netName": "Foreign", "conf": "https://x.example.org/c.json"}]` + "\n"))
				}
				clashing := func(id int) string {
					set := map[string]string{}
					for k, v := range c.set {
						if strings.Contains(v, "%d") {
							v = fmt.Sprintf(v, id)
						}
						set[k] = v
					}
					return entryHCL(fmt.Sprintf("n%d", id), id, set)
				}
				own119 := entryHCL("n119", 119, nil)
				refused := regexp.MustCompile(c.want)
				// Both at once: whichever is written second is refused.
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps:                    []resource.TestStep{{Config: env.provider + clashing(118) + clashing(119), ExpectError: refused}},
					CheckDestroy:             afterDestroy(doccheck.NetIDs(env.read, idKey, "7")),
				})
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps: []resource.TestStep{
						{
							Config:            env.provider + clashing(118),
							ConfigStateChecks: []statecheck.StateCheck{doccheck.NetIDs(env.read, idKey, "7", "118")},
						},
						// Added later: refused.
						{Config: env.provider + clashing(118) + clashing(119), ExpectError: refused},
						{
							Config:            env.provider + clashing(118) + own119,
							ConfigStateChecks: []statecheck.StateCheck{doccheck.NetIDs(env.read, idKey, "7", "118", "119")},
						},
						// An update into the clash: refused, the entry left as it was.
						{Config: env.provider + clashing(118) + clashing(119), ExpectError: refused},
						{Config: env.provider + clashing(118) + own119, PlanOnly: true},
						{
							Config: env.provider + clashing(118) + own119,
							ConfigStateChecks: []statecheck.StateCheck{
								doccheck.NetIDs(env.read, idKey, "7", "118", "119"),
								doccheck.Entry(env.read, idKey, "119", map[string]any{key: c.own}),
							},
						},
					},
					CheckDestroy: afterDestroy(doccheck.NetIDs(env.read, idKey, "7")),
				})
			})
		}
	}
}

// A clash already in the document (another tool wrote it) does not stop the
// writes that do not add to it: a new entry is written, the foreign entries
// are kept as they were.
func TestAccDiscoveryEntryExistingClashKept(t *testing.T) {
	t.Parallel()
	env := gcsEnv(t, "smapp")
	seed := []byte(`[
  {"netID": 5, "netName": "Five", "conf": "https://c.example.org/5/config.json", "dashAPI": "https://s.example.org/"},
  {"netID": 6, "netName": "Six", "conf": "https://c.example.org/6/config.json", "dashAPI": "https://s.example.org"}
]
`)
	env.write(seed)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.provider + entryHCL("net", 118, nil),
			ConfigStateChecks: []statecheck.StateCheck{
				doccheck.NetIDs(env.read, "netID", "5", "6", "118"),
				doccheck.Kept(env.read, seed, "netID"),
			},
		}},
		CheckDestroy: afterDestroy(doccheck.NetIDs(env.read, "netID", "5", "6"), doccheck.Kept(env.read, seed, "netID")),
	})
}
