package discovery

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// CheckDashAPIURL accepts an https or wss URL with a DNS host: dashAPI was a
// websocket URL of the v1 dashboard backend and is now the dashboard's
// per-network key, which the explorer frontend matches by suffix.
func CheckDashAPIURL(s string) error {
	if rest, ok := strings.CutPrefix(s, "wss://"); ok {
		return CheckHTTPSURL("https://" + rest)
	}
	return CheckHTTPSURL(s)
}

// CheckHTTPSURL accepts an absolute https URL whose host is a DNS name (the
// spec forbids plain http; clients connect by name, with certificates).
func CheckHTTPSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("expected an https URL, got %q: %v", s, err)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("expected an https URL (plain http and other schemes are not allowed), got %q", s)
	}
	if u.User != nil {
		return fmt.Errorf("expected an https URL without credentials, got one with a user part")
	}
	host := u.Hostname()
	if err := CheckHostname(host); err != nil {
		return fmt.Errorf("in %q: %v", s, err)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("in %q: port %q is not a number from 1 to 65535", s, p)
		}
	}
	return nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// CheckHostname accepts a fully qualified DNS name of at least two labels,
// lower case, with no trailing dot.
func CheckHostname(host string) error {
	if host == "" {
		return fmt.Errorf("expected a host name, got none")
	}
	if net.ParseIP(host) != nil {
		return fmt.Errorf("expected a DNS name, got the IP address %q", host)
	}
	if len(host) > 253 {
		return fmt.Errorf("host name %q is longer than 253 characters", host)
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Errorf("expected a fully qualified DNS name, got %q", host)
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return fmt.Errorf("%q is not a valid DNS name: label %q must be 1-63 lower-case letters, digits or '-', not starting or ending with '-'", host, l)
		}
	}
	return nil
}

// ParseRelease parses a release as semver; a leading "v" is tolerated.
func ParseRelease(s string) (*semver.Version, error) {
	v, err := semver.StrictNewVersion(strings.TrimPrefix(s, "v"))
	if err != nil {
		return nil, fmt.Errorf("expected a semantic version such as 1.2.3 or v1.2.3, got %q", s)
	}
	return v, nil
}

// NormalizeRelease is a release as clients want it written: bare semver.
// Smapp's updater fetches ${smappBaseDownloadUrl}/v${latestSmappRelease}
// (smapp desktop/main/autoUpdater.ts), so "v1.7.2" would give ".../vv1.7.2".
func NormalizeRelease(s string) string { return strings.TrimPrefix(s, "v") }

// CheckBaseDownloadURL accepts an https URL that does not end in "/": Smapp
// appends "/v<release>" to it (desktop/main/autoUpdater.ts), and a trailing
// slash would give "...//v1.7.2".
func CheckBaseDownloadURL(s string) error {
	if err := CheckHTTPSURL(s); err != nil {
		return err
	}
	if strings.HasSuffix(s, "/") {
		return fmt.Errorf("expected a base URL without a trailing '/', got %q: clients append \"/v<release>\" to it, which would give %q", s, s+"/v1.2.3")
	}
	return nil
}

// CheckReleaseOrder returns an error unless min <= latest.
func CheckReleaseOrder(minimum, latest string) error {
	lo, err := ParseRelease(minimum)
	if err != nil {
		return err
	}
	hi, err := ParseRelease(latest)
	if err != nil {
		return err
	}
	if lo.GreaterThan(hi) {
		return fmt.Errorf("the minimum release %q is newer than the latest release %q", minimum, latest)
	}
	return nil
}

var hexID = regexp.MustCompile(`^[0-9a-f]{40}$`)

// CheckGenesisID accepts 20 bytes as 40 lower-case hex digits.
func CheckGenesisID(s string) error {
	if !hexID.MatchString(s) {
		return fmt.Errorf("expected 40 lower-case hex digits (20 bytes), got %q", s)
	}
	return nil
}
