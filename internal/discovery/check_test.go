package discovery

import (
	"errors"
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
