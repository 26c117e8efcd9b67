package discovery

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// CheckDashAPIURL accepts an https or wss URL with a DNS host: dashAPI was a
// websocket URL of the v1 dashboard backend and is now the frontends'
// per-network key. Its query and fragment are kept: the current frontends
// only compare it (explorer-frontend src/store/index.jsx, dash-frontend
// src/store/ViewStore/index.js) and append nothing to it, and a fragment is
// what makes "<stats API>/#dash-<net id>" a key of its own per network while
// naming the service the dashboard reads. That it is unique is a rule
// between entries (see Document.Clashes).
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

// CheckHostname accepts an RFC 1123 host name as clients connect to it and
// certificates name it: at least two dot-separated labels of lower-case
// letters, digits and inner hyphens, each at most 63 bytes, at most 253 in
// all, no trailing dot. IP addresses (and names ending in a numeric label,
// which no public DNS can hold) are refused: these hosts get public
// certificates and public DNS records.
func CheckHostname(host string) error {
	switch {
	case host == "":
		return errors.New("expected a host name, got none")
	case net.ParseIP(host) != nil:
		return fmt.Errorf("expected a DNS name, got the IP address %q", host)
	case len(host) > 253:
		return fmt.Errorf("host name %q is longer than 253 characters", host)
	case strings.HasSuffix(host, "."):
		return fmt.Errorf("host name %q must not end with a dot", host)
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Errorf("expected a fully qualified DNS name with at least two labels (e.g. example.org), got %q", host)
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return fmt.Errorf("host name %q has an invalid label %q: 1 to 63 lower-case letters, digits or '-', not starting or ending with '-'", host, l)
		}
	}
	if _, err := strconv.Atoi(labels[len(labels)-1]); err == nil {
		return fmt.Errorf("host name %q must not end in a numeric label (IP addresses are not accepted)", host)
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

// checkBaseDownloadURL accepts an https URL that does not end in "/" and has
// no query or fragment: Smapp appends "/v<release>" to it
// (desktop/main/autoUpdater.ts); a trailing slash would give "...//v1.7.2",
// a query "...dist?channel=beta/v1.7.2".
func checkBaseDownloadURL(s string, use urlUse) error {
	if err := CheckHTTPSURL(s); err != nil {
		return err
	}
	if err := checkExtendable(s, use); err != nil {
		return err
	}
	if strings.HasSuffix(s, "/") {
		return fmt.Errorf("expected a base URL without a trailing '/', got %q: %s, which would give %q", s, use.by, s+use.appended)
	}
	return nil
}

// ErrReleaseOrder is a minimum release newer than the latest one.
var ErrReleaseOrder = errors.New("the minimum release is newer than the latest release")

// CheckReleaseOrder returns an error unless min <= latest: a malformed
// release as ParseRelease reports it, else one wrapping ErrReleaseOrder.
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
		return fmt.Errorf("%w: %q is newer than %q", ErrReleaseOrder, minimum, latest)
	}
	return nil
}

// GenesisIDPattern is a genesis id: 20 bytes as 40 lower-case hex digits.
var GenesisIDPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)
