package netconf

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestServiceURLs(t *testing.T) {
	tests := []struct {
		name      string
		opts      ServiceOptions
		want      Services
		wantField string
		wantMsg   string
	}{
		{
			name: "defaults",
			opts: ServiceOptions{NetID: 118, Domain: "spacemesh.io"},
			want: Services{
				APIHost: "118.api.spacemesh.io", ExplorerHost: "118.explore.spacemesh.io", DashHost: "118.dash.spacemesh.io",
				StatsHost:  "118.stats.spacemesh.io",
				APIJSONURL: "https://118.api.spacemesh.io", APIGRPCURL: "https://118.api.spacemesh.io",
				ExplorerURL: "https://118.explore.spacemesh.io/", DashURL: "https://118.dash.spacemesh.io/",
				StatsAPIURL: "https://118.stats.spacemesh.io", ExplorerAPIURL: "https://118.stats.spacemesh.io",
				DashAPIURL: "https://118.stats.spacemesh.io/#dash-118",
			},
		},
		{
			name: "443 is omitted, other ports kept",
			opts: ServiceOptions{NetID: 7, Domain: "example.org", APIJSONPort: 443, APIGRPCPort: 8443, ExtraOrigins: []string{"https://explore.example.org"}},
			want: Services{
				APIHost: "7.api.example.org", ExplorerHost: "7.explore.example.org", DashHost: "7.dash.example.org",
				StatsHost:  "7.stats.example.org",
				APIJSONURL: "https://7.api.example.org", APIGRPCURL: "https://7.api.example.org:8443",
				ExplorerURL: "https://7.explore.example.org/", DashURL: "https://7.dash.example.org/",
				StatsAPIURL: "https://7.stats.example.org", ExplorerAPIURL: "https://7.stats.example.org",
				DashAPIURL: "https://7.stats.example.org/#dash-7", extraOrigins: []string{"https://explore.example.org"},
			},
		},
		{
			name: "custom patterns, mixed case lowered",
			opts: ServiceOptions{
				NetID: 15, Domain: "Example.ORG",
				APIHostPattern: "testnet-{net_id}-api.{domain}", ExplorerHostPattern: "explorer-{net_id}.sm.example.net",
				DashHostPattern: "{net_id}-dash.{domain}", StatsHostPattern: "stats-{net_id}.{domain}",
				APIJSONPort: 9091, APIGRPCPort: 9092,
			},
			want: Services{
				APIHost: "testnet-15-api.example.org", ExplorerHost: "explorer-15.sm.example.net", DashHost: "15-dash.example.org",
				StatsHost:  "stats-15.example.org",
				APIJSONURL: "https://testnet-15-api.example.org:9091", APIGRPCURL: "https://testnet-15-api.example.org:9092",
				ExplorerURL: "https://explorer-15.sm.example.net/", DashURL: "https://15-dash.example.org/",
				StatsAPIURL: "https://stats-15.example.org", ExplorerAPIURL: "https://stats-15.example.org",
				DashAPIURL: "https://stats-15.example.org/#dash-15",
			},
		},
		{
			name: "no domain needed when no pattern uses it",
			opts: ServiceOptions{NetID: 3, APIHostPattern: "a{net_id}.example.org", ExplorerHostPattern: "e{net_id}.example.org", DashHostPattern: "d{net_id}.example.org", StatsHostPattern: "s{net_id}.example.org"},
			want: Services{
				APIHost: "a3.example.org", ExplorerHost: "e3.example.org", DashHost: "d3.example.org", StatsHost: "s3.example.org",
				APIJSONURL: "https://a3.example.org", APIGRPCURL: "https://a3.example.org",
				ExplorerURL: "https://e3.example.org/", DashURL: "https://d3.example.org/",
				StatsAPIURL: "https://s3.example.org", ExplorerAPIURL: "https://s3.example.org", DashAPIURL: "https://s3.example.org/#dash-3",
			},
		},
		{name: "zero net id", opts: ServiceOptions{Domain: "example.org"}, wantField: FieldNetID, wantMsg: "positive"},
		{name: "negative net id", opts: ServiceOptions{NetID: -5, Domain: "example.org"}, wantField: FieldNetID, wantMsg: "got -5"},
		{name: "no domain", opts: ServiceOptions{NetID: 1}, wantField: FieldDomain, wantMsg: "uses {domain}"},
		{name: "domain with a scheme", opts: ServiceOptions{NetID: 1, Domain: "https://example.org"}, wantField: FieldDomain, wantMsg: `invalid label "https://example"`},
		{name: "domain with underscore", opts: ServiceOptions{NetID: 1, Domain: "ex_ample.org"}, wantField: FieldDomain, wantMsg: `invalid label "ex_ample"`},
		{name: "single-label domain", opts: ServiceOptions{NetID: 1, Domain: "localhost"}, wantField: FieldDomain, wantMsg: "at least two labels"},
		{name: "trailing dot", opts: ServiceOptions{NetID: 1, Domain: "example.org."}, wantField: FieldDomain, wantMsg: "must not end with a dot"},
		{
			name: "pattern without net id", opts: ServiceOptions{NetID: 1, Domain: "example.org", ExplorerHostPattern: "explorer.{domain}"},
			wantField: FieldExplorerHostPattern, wantMsg: "must contain {net_id}: without it every network would get the same host name",
		},
		{
			name: "unknown placeholder", opts: ServiceOptions{NetID: 1, Domain: "example.org", DashHostPattern: "{net_id}.{name}.{domain}"},
			wantField: FieldDashHostPattern, wantMsg: "unknown placeholder {name}",
		},
		{
			name: "unbalanced brace", opts: ServiceOptions{NetID: 1, Domain: "example.org", DashHostPattern: "{net_id}.{domain"},
			wantField: FieldDashHostPattern, wantMsg: "unbalanced",
		},
		{
			name: "pattern with scheme", opts: ServiceOptions{NetID: 1, Domain: "example.org", APIHostPattern: "https://{net_id}.api.{domain}"},
			wantField: FieldAPIHostPattern, wantMsg: "bare host name pattern",
		},
		{
			name: "pattern with port", opts: ServiceOptions{NetID: 1, Domain: "example.org", APIHostPattern: "{net_id}.api.{domain}:9091"},
			wantField: FieldAPIHostPattern, wantMsg: "no scheme, port or path",
		},
		{
			name: "pattern giving a bad label", opts: ServiceOptions{NetID: 1, Domain: "example.org", APIHostPattern: "-{net_id}.api.{domain}"},
			wantField: FieldAPIHostPattern, wantMsg: `gives "-1.api.example.org"`,
		},
		{name: "port too large", opts: ServiceOptions{NetID: 1, Domain: "example.org", APIJSONPort: 70000}, wantField: FieldAPIJSONPort, wantMsg: "got 70000"},
		{name: "origin with a path", opts: ServiceOptions{NetID: 1, Domain: "example.org", ExtraOrigins: []string{"https://explore.example.org/"}}, wantField: FieldCORSOrigins, wantMsg: "no path"},
		{name: "http origin", opts: ServiceOptions{NetID: 1, Domain: "example.org", ExtraOrigins: []string{"http://explore.example.org"}}, wantField: FieldCORSOrigins, wantMsg: "expected an https origin"},
		{name: "negative port", opts: ServiceOptions{NetID: 1, Domain: "example.org", APIGRPCPort: -1}, wantField: FieldAPIGRPCPort, wantMsg: "got -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ServiceURLs(tt.opts)
			if tt.wantField != "" {
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("ServiceURLs = %+v, %v; want a FieldError for %s", got, err, tt.wantField)
				}
				if fe.Field != tt.wantField || !strings.Contains(fe.Msg, tt.wantMsg) {
					t.Errorf("error %s: %q, want %s containing %q", fe.Field, fe.Msg, tt.wantField, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ServiceURLs =\n%+v\nwant\n%+v", got, tt.want)
			}
			for _, u := range []string{got.APIJSONURL, got.APIGRPCURL, got.ExplorerURL, got.DashURL} {
				pu, err := url.Parse(u)
				if err != nil || pu.Scheme != "https" || ValidateHostname(pu.Hostname()) != nil {
					t.Errorf("built URL %q is not https with a valid host name (%v)", u, err)
				}
			}
		})
	}
}

func TestOrigins(t *testing.T) {
	s, err := ServiceURLs(ServiceOptions{NetID: 118, Domain: "example.org"})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Origins()
	if len(got) != 2 || got[0] != "https://118.explore.example.org" || got[1] != "https://118.dash.example.org" {
		t.Errorf("Origins = %q", got)
	}
}

func TestValidateHostname(t *testing.T) {
	long := strings.Repeat("a", 63)
	for _, h := range []string{"example.org", "118.api.example.org", "a-b.c0.example", long + ".org", "xn--bcher-kva.example"} {
		if err := ValidateHostname(h); err != nil {
			t.Errorf("ValidateHostname(%q) = %v", h, err)
		}
	}
	for _, h := range []string{"", "org", "a..b.org", "-a.org", "a-.org", long + "a.org", "a.org.", "1.2.3.4", "a b.org",
		strings.Repeat("abcdefghi.", 26) + "org"} {
		if err := ValidateHostname(h); err == nil {
			t.Errorf("ValidateHostname(%q) accepted", h)
		}
	}
}

func TestCloudflareProxiesHTTPS(t *testing.T) {
	for _, p := range []int{443, 2053, 2083, 2087, 2096, 8443} {
		if !CloudflareProxiesHTTPS(p) {
			t.Errorf("%d should be proxied", p)
		}
	}
	for _, p := range []int{80, 8080, 9091, 9092, 0, 444} {
		if CloudflareProxiesHTTPS(p) {
			t.Errorf("%d should not be proxied", p)
		}
	}
}

func TestValidateHostPattern(t *testing.T) {
	for _, p := range []string{DefaultAPIHostPattern, DefaultExplorerHostPattern, DefaultDashHostPattern, "net-{net_id}.example.org"} {
		if err := ValidateHostPattern(p); err != nil {
			t.Errorf("ValidateHostPattern(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"", "api.{domain}", "{netid}.{domain}", "https://{net_id}.{domain}", "{net_id}.{domain}/x"} {
		if err := ValidateHostPattern(p); err == nil {
			t.Errorf("ValidateHostPattern(%q) accepted", p)
		}
	}
}
