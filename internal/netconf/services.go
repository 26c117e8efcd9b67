package netconf

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Host-name patterns. A pattern is a host name with placeholders:
//
//	{net_id}  the network id, e.g. 118 (required: see validatePattern)
//	{domain}  the operator's domain, e.g. spacemesh.io
//
// The defaults give https://118.api.spacemesh.io:9091 and friends.
const (
	DefaultAPIHostPattern      = "{net_id}.api.{domain}"
	DefaultExplorerHostPattern = "{net_id}.explore.{domain}"
	DefaultDashHostPattern     = "{net_id}.dash.{domain}"

	DefaultStatsHostPattern = "{net_id}.stats.{domain}"

	// DefaultAPIJSONPort and DefaultAPIGRPCPort are the ports of the API's
	// public URLs: one https host on 443 serves gRPC and the JSON gateway
	// (the ingress routes by content type). Smapp dials grpcAPI on 443
	// whatever port the URL names (smapp desktop/main/utils.ts).
	DefaultAPIJSONPort = 443
	DefaultAPIGRPCPort = 443

	// DefaultNodeGRPCPort is the node's own public gRPC listener port
	// (go-spacemesh grpcserver.DefaultConfig: 0.0.0.0:9092);
	// DefaultNodeJSONPort the port this package gives its JSON gateway, which
	// the node leaves off by default.
	DefaultNodeGRPCPort = 9092
	DefaultNodeJSONPort = 9091
)

// Option names, as the Terraform resource calls them. Errors about an option
// are FieldErrors carrying its name so the caller can point at it.
const (
	FieldNetID               = "net_id"
	FieldDomain              = "domain"
	FieldAPIHostPattern      = "api_host_pattern"
	FieldExplorerHostPattern = "explorer_host_pattern"
	FieldDashHostPattern     = "dash_host_pattern"
	FieldAPIJSONPort         = "api_json_port"
	FieldAPIGRPCPort         = "api_grpc_port"
	FieldStatsHostPattern    = "stats_api_host_pattern"
	FieldAPINodeGRPCPort     = "api_node_grpc_port"
	FieldAPINodeJSONPort     = "api_node_json_port"
	FieldNodeVersion         = "node_version"
	FieldCORSOrigins         = "cors_origins"
)

// FieldError is an invalid option.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// ServiceOptions say where a network's public services live. Zero values take
// the defaults above.
type ServiceOptions struct {
	NetID               int64
	Domain              string
	APIHostPattern      string
	ExplorerHostPattern string
	DashHostPattern     string
	StatsHostPattern    string
	APIJSONPort         int
	APIGRPCPort         int
	// ExtraOrigins are further browser origins allowed to call the APIs,
	// e.g. the frontends' network-independent hosts.
	ExtraOrigins []string
}

// Services are a network's public endpoints: the URLs published in the
// discovery entry and the bare host names DNS records are made for.
type Services struct {
	APIHost        string
	ExplorerHost   string
	DashHost       string
	StatsHost      string
	APIJSONURL     string // https://<api host>[:<json port>]
	APIGRPCURL     string // https://<api host>[:<grpc port>]
	ExplorerURL    string // https://<explorer host>/
	DashURL        string // https://<dash host>/
	StatsAPIURL    string // https://<stats host>
	ExplorerAPIURL string // the stats API: explorer-stats-api serves the explorer
	DashAPIURL     string // https://<stats host>/#dash-<net_id>: a key, unique per network
	extraOrigins   []string
}

// Origins are the browser origins of the explorer and dashboard frontends:
// what the API node's JSON gateway and the stats API must allow for CORS.
func (s Services) Origins() []string {
	out := []string{"https://" + s.ExplorerHost, "https://" + s.DashHost}
	for _, o := range s.extraOrigins {
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// ServiceURLs builds the endpoints. Every URL is https: it is the only scheme
// built, by construction. Host names are lower-cased (DNS is case-insensitive,
// certificates and records are conventionally lower case).
func ServiceURLs(o ServiceOptions) (Services, error) {
	if o.NetID <= 0 {
		return Services{}, &FieldError{FieldNetID, fmt.Sprintf("must be a positive integer, got %d", o.NetID)}
	}
	jsonPort, err := port(FieldAPIJSONPort, o.APIJSONPort, DefaultAPIJSONPort)
	if err != nil {
		return Services{}, err
	}
	grpcPort, err := port(FieldAPIGRPCPort, o.APIGRPCPort, DefaultAPIGRPCPort)
	if err != nil {
		return Services{}, err
	}
	host := func(field, pattern, def string) (string, error) {
		if pattern == "" {
			pattern = def
		}
		return expandHost(field, pattern, o.NetID, o.Domain)
	}
	var s Services
	if s.APIHost, err = host(FieldAPIHostPattern, o.APIHostPattern, DefaultAPIHostPattern); err != nil {
		return Services{}, err
	}
	if s.ExplorerHost, err = host(FieldExplorerHostPattern, o.ExplorerHostPattern, DefaultExplorerHostPattern); err != nil {
		return Services{}, err
	}
	if s.DashHost, err = host(FieldDashHostPattern, o.DashHostPattern, DefaultDashHostPattern); err != nil {
		return Services{}, err
	}
	if s.StatsHost, err = host(FieldStatsHostPattern, o.StatsHostPattern, DefaultStatsHostPattern); err != nil {
		return Services{}, err
	}
	for _, origin := range o.ExtraOrigins {
		if err := CheckOrigin(origin); err != nil {
			return Services{}, &FieldError{FieldCORSOrigins, err.Error()}
		}
	}
	s.extraOrigins = o.ExtraOrigins
	s.APIJSONURL = httpsURL(s.APIHost, jsonPort, "")
	s.APIGRPCURL = httpsURL(s.APIHost, grpcPort, "")
	s.ExplorerURL = httpsURL(s.ExplorerHost, 443, "/")
	s.DashURL = httpsURL(s.DashHost, 443, "/")
	s.StatsAPIURL = httpsURL(s.StatsHost, 443, "")
	s.ExplorerAPIURL = s.StatsAPIURL
	s.DashAPIURL = s.StatsAPIURL + "/#dash-" + strconv.FormatInt(o.NetID, 10)
	return s, nil
}

func port(field string, p, def int) (int, error) {
	if p == 0 {
		return def, nil
	}
	if p < 1 || p > 65535 {
		return 0, &FieldError{field, fmt.Sprintf("must be a TCP port between 1 and 65535, got %d", p)}
	}
	return p, nil
}

// httpsURL omits 443, https's own port, as browsers and Smapp would.
func httpsURL(host string, port int, path string) string {
	if port == 443 {
		return "https://" + host + path
	}
	return "https://" + host + ":" + strconv.Itoa(port) + path
}

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// expandHost substitutes a pattern and checks the result is a DNS name.
func expandHost(field, pattern string, netID int64, domain string) (string, error) {
	if err := validatePattern(pattern); err != nil {
		return "", &FieldError{field, err.Error()}
	}
	if strings.Contains(pattern, "{domain}") {
		if domain == "" {
			return "", &FieldError{FieldDomain, fmt.Sprintf(
				"is required: %s %q uses {domain}; set domain on the resource or the provider", field, pattern)}
		}
		if err := ValidateHostname(domain); err != nil {
			return "", &FieldError{FieldDomain, err.Error()}
		}
	}
	h := strings.NewReplacer("{net_id}", strconv.FormatInt(netID, 10), "{domain}", domain).Replace(pattern)
	h = strings.ToLower(h)
	if err := ValidateHostname(h); err != nil {
		return "", &FieldError{field, fmt.Sprintf("pattern %q gives %q, which is not a valid host name: %v", pattern, h, err)}
	}
	return h, nil
}

// CheckOrigin accepts a browser origin as CORS lists it: https://host[:port],
// nothing after.
func CheckOrigin(o string) error {
	rest, ok := strings.CutPrefix(o, "https://")
	if !ok || rest == "" || strings.ContainsAny(rest, "/?#@") {
		return fmt.Errorf("expected an https origin such as \"https://explore.example.org\" (no path), got %q", o)
	}
	host := rest
	if h, p, err := net.SplitHostPort(rest); err == nil {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("origin %q has an invalid port", o)
		}
		host = h
	}
	if err := ValidateHostname(host); err != nil {
		return fmt.Errorf("origin %q: %v", o, err)
	}
	return nil
}

// ValidateHostPattern checks a host-name pattern before it is expanded (the
// expanded name is checked by ServiceURLs).
func ValidateHostPattern(p string) error { return validatePattern(p) }

// validatePattern requires {net_id}: every network gets its own services, so
// a pattern without it would give every network the same host names; their
// DNS records and certificates would collide and the discovery document
// would send every network's users to one API.
func validatePattern(p string) error {
	if strings.Contains(p, "://") || strings.ContainsAny(p, "/:?#@ ") {
		return fmt.Errorf("%q must be a bare host name pattern (no scheme, port or path), such as %q", p, DefaultAPIHostPattern)
	}
	for _, ph := range placeholder.FindAllString(p, -1) {
		if ph != "{net_id}" && ph != "{domain}" {
			return fmt.Errorf("%q uses unknown placeholder %s; the placeholders are {net_id} and {domain}", p, ph)
		}
	}
	if strings.ContainsAny(placeholder.ReplaceAllString(p, ""), "{}") {
		return fmt.Errorf("%q has an unbalanced brace", p)
	}
	if !strings.Contains(p, "{net_id}") {
		return fmt.Errorf("%q must contain {net_id}: without it every network would get the same host name", p)
	}
	return nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidateHostname checks an RFC 1123 host name: dot-separated labels of
// letters, digits and inner hyphens, each at most 63 bytes, at most 253 in
// all. A trailing dot, IP addresses and single-label names are refused: these
// hosts get public certificates and public DNS records.
func ValidateHostname(h string) error {
	if h == "" {
		return fmt.Errorf("host name is empty")
	}
	if len(h) > 253 {
		return fmt.Errorf("host name %q is longer than 253 characters", h)
	}
	if strings.HasSuffix(h, ".") {
		return fmt.Errorf("host name %q must not end with a dot", h)
	}
	labels := strings.Split(strings.ToLower(h), ".")
	if len(labels) < 2 {
		return fmt.Errorf("host name %q must have at least two labels (e.g. example.org)", h)
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return fmt.Errorf("host name %q has an invalid label %q (letters, digits and inner hyphens, 1 to 63 characters)", h, l)
		}
	}
	// An all-numeric top-level label would make it an IPv4 address or
	// something no public DNS can hold.
	if _, err := strconv.Atoi(labels[len(labels)-1]); err == nil {
		return fmt.Errorf("host name %q must not end in a numeric label (IP addresses are not accepted)", h)
	}
	return nil
}

// CloudflareProxiesHTTPS tells whether Cloudflare's proxy (orange cloud)
// accepts https on this port. It only proxies 443, 2053, 2083, 2087, 2096 and
// 8443 for https; an endpoint on another port (such as the default 9091 and
// 9092) must be DNS-only (grey cloud), or be moved.
// https://developers.cloudflare.com/fundamentals/reference/network-ports/
func CloudflareProxiesHTTPS(port int) bool {
	switch port {
	case 443, 2053, 2083, 2087, 2096, 8443:
		return true
	}
	return false
}
