package discovery

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheckHostname(t *testing.T) {
	long := strings.Repeat("a", 63)
	for _, h := range []string{"example.org", "118.api.example.org", "a-b.c0.example", long + ".org", "xn--bcher-kva.example"} {
		if err := CheckHostname(h); err != nil {
			t.Errorf("CheckHostname(%q) = %v", h, err)
		}
	}
	for h, want := range map[string]string{
		"":                                       "got none",
		"org":                                    "at least two labels",
		"a..b.org":                               "invalid label",
		"-a.org":                                 "invalid label",
		"a-.org":                                 "invalid label",
		long + "a.org":                           "invalid label",
		"a.org.":                                 "must not end with a dot",
		"1.2.3.4":                                "IP address",
		"::1":                                    "IP address",
		"10.0.0.300":                             "numeric label",
		"a b.org":                                "invalid label",
		"Example.org":                            "invalid label",
		strings.Repeat("abcdefghi.", 26) + "org": "longer than 253",
	} {
		err := CheckHostname(h)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckHostname(%q) = %v, want an error containing %q", h, err, want)
		}
	}
}

func TestCheckReleaseOrder(t *testing.T) {
	for _, c := range [][2]string{{"1.2.3", "1.2.3"}, {"v1.2.3", "1.3.0"}, {"0.9.0", "v1.0.0-rc.1"}} {
		if err := CheckReleaseOrder(c[0], c[1]); err != nil {
			t.Errorf("CheckReleaseOrder(%q, %q) = %v", c[0], c[1], err)
		}
	}
	if err := CheckReleaseOrder("1.3.0", "v1.2.9"); !errors.Is(err, ErrReleaseOrder) {
		t.Errorf("1.3.0 after 1.2.9: got %v, want ErrReleaseOrder", err)
	}
	if err := CheckReleaseOrder("one", "1.2.3"); err == nil || errors.Is(err, ErrReleaseOrder) {
		t.Errorf("malformed minimum: got %v, want a parse error", err)
	}
}

// Every URL field as the clients use it: what they extend refuses a query
// and a fragment, explorer needs its trailing '/', conf a file name of its
// own; dashAPI, only compared, keeps both.
func TestCheckFieldURL(t *testing.T) {
	t.Parallel()
	extended := []Field{FieldSmappBaseDownloadURL, FieldNodeBaseDownloadURL, FieldAPIJSON, FieldAPIGRPC, FieldStatsAPI, FieldExplorerAPI, FieldExplorer, FieldDash, FieldConf}
	for _, f := range extended {
		base := "https://x.example.org/a/b"
		if f == FieldExplorer {
			base += "/"
		}
		if err := CheckFieldURL(f, base); err != nil {
			t.Errorf("%s %q: %v", Key(FormatSmapp, f), base, err)
		}
		for _, bad := range []string{base + "?q=1", base + "#frag", base + "?", base + "#"} {
			err := CheckFieldURL(f, bad)
			if err == nil || !strings.Contains(err.Error(), `without a query ("?...") or fragment ("#...")`) || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
				t.Errorf("%s %q: got %v, want the query or fragment refused, naming the value", Key(FormatSmapp, f), bad, err)
			}
		}
		if err := CheckFieldURL(f, "http://x.example.org/a/"); err == nil {
			t.Errorf("%s: plain http accepted", Key(FormatSmapp, f))
		}
	}
	if err := CheckFieldURL(FieldNetName, "https://x.example.org/"); err == nil {
		t.Error("netName checked as a URL")
	}
	for _, ok := range []string{"https://1.stats.example.org/#dash-1", "https://1.stats.example.org/?net=1#dash", "wss://dash.example.org/ws?net=1"} {
		if err := CheckFieldURL(FieldDashAPI, ok); err != nil {
			t.Errorf("dashAPI %q: %v", ok, err)
		}
	}
	for value, want := range map[string]string{
		"https://x.example.org/dist?channel=beta": `expected a URL without a query ("?...") or fragment ("#..."), got "https://x.example.org/dist?channel=beta": Smapp appends "/v<release>" to it, which would give "https://x.example.org/dist?channel=beta/v1.2.3"`,
		"https://x.example.org/dist/":             `expected a base URL without a trailing '/', got "https://x.example.org/dist/": Smapp appends "/v<release>" to it, which would give "https://x.example.org/dist//v1.2.3"`,
	} {
		if err := CheckFieldURL(FieldSmappBaseDownloadURL, value); err == nil || err.Error() != want {
			t.Errorf("smappBaseDownloadUrl %q:\n got %v\nwant %s", value, err, want)
		}
	}
	explorer := map[string]string{
		"https://118.explore.example.org":   `expected a URL ending in '/', got "https://118.explore.example.org": Smapp and the dashboard append paths such as "accounts/<address>" to it, which would give "https://118.explore.example.orgaccounts/<address>"; write "https://118.explore.example.org/"`,
		"https://example.org/explorer":      `"https://example.org/exploreraccounts/<address>"; write "https://example.org/explorer/"`,
		"https://example.org/explorer/?x=1": `"https://example.org/explorer/?x=1accounts/<address>"`,
	}
	for value, want := range explorer {
		if err := CheckFieldURL(FieldExplorer, value); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("explorer %q:\n got %v\nwant %s", value, err, want)
		}
	}
	if err := CheckFieldURL(FieldDash, "https://118.dash.example.org"); err != nil {
		t.Errorf("dash without '/': %v (Smapp appends a query, not a path)", err)
	}
	conf := map[string]string{
		"https://c.example.org":                    "expected a URL that ends in a file name",
		"https://c.example.org/":                   "expected a URL that ends in a file name",
		"https://c.example.org/118/":               "expected a URL that ends in a file name",
		"https://c.example.org/118.json?v=2":       `which would be "118.json?v=2"`,
		"https://c.example.org/a:b.json":           `the file name "a:b.json" has a character Windows does not allow`,
		"https://c.example.org/nets/NETWORKS.json": `"NETWORKS.json" is the name Smapp keeps its copy of the discovery document under`,
	}
	for value, want := range conf {
		if err := CheckConfURL(value); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("conf %q:\n got %v\nwant %s", value, err, want)
		}
	}
	if got := ConfFileName("https://c.example.org/118/config.json"); got != "config.json" {
		t.Errorf("ConfFileName = %q", got)
	}
}
