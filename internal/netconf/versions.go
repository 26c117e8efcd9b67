package netconf

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// apiKeyReleases says which go-spacemesh releases know each api key this
// package writes or repairs: [since, before), "" for open. From the
// mapstructure tags of grpcserver.Config in api/grpcserver/config.go at every
// v1.x tag:
//
//   - grpc-public-services, grpc-private-services: v1.0.0 to v1.2.13 (removed
//     by "node: Remove option to configure services per endpoint (#5276)",
//     first in v1.3.0);
//   - grpc-tls-listener (and -ca-cert, -cert, -key): from v1.3.0;
//   - grpc-post-listener, grpc-tls-services: from v1.4.0;
//   - grpc-cors-allowed-origins: from v1.6.0;
//   - db-connections: from v1.7.5.
//
// From v1.4.0 the node refuses to start on a key it does not know (config
// loading with mapstructure's ErrorUnused), so a key outside its range must
// not be in the rendered config.
var apiKeyReleases = map[string][2]string{
	keyPublicServices:    {"", "1.3.0"},
	keyPrivateServices:   {"", "1.3.0"},
	keyTLSListener:       {"1.3.0", ""},
	"grpc-tls-ca-cert":   {"1.3.0", ""},
	"grpc-tls-cert":      {"1.3.0", ""},
	"grpc-tls-key":       {"1.3.0", ""},
	keyPostListener:      {"1.4.0", ""},
	keyTLSServices:       {"1.4.0", ""},
	keyCORSOrigins:       {"1.6.0", ""},
	"db-connections":     {"1.7.5", ""},
	keyPublicListener:    {"", ""},
	keyPrivateListener:   {"", ""},
	keyJSONListener:      {"", ""},
	"grpc-send-msg-size": {"", ""},
	"grpc-recv-msg-size": {"", ""},
}

// knows tells whether release v has the api key. Keys this package has no
// record of are assumed known: they come from the network's own config.
func knows(v *semver.Version, key string) bool {
	r, ok := apiKeyReleases[key]
	if !ok {
		return true
	}
	if r[0] != "" && v.LessThan(semver.MustParse(r[0])) {
		return false
	}
	if r[1] != "" && !v.LessThan(semver.MustParse(r[1])) {
		return false
	}
	return true
}

// dropUnknownAPIKeys removes the api keys release v does not know.
func dropUnknownAPIKeys(api map[string]any, v *semver.Version) []Change {
	var out []Change
	keys := make([]string, 0, len(api))
	for k := range api {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if knows(v, k) {
			continue
		}
		r := apiKeyReleases[k]
		span := "from v" + r[0]
		if r[1] != "" {
			span = "before v" + r[1]
		}
		out = append(out, Change{Key: keyAPI + "." + k, From: describeJSON(api[k]), To: removed,
			Why: fmt.Sprintf("go-spacemesh v%s does not know it (it exists %s)", v, span)})
		delete(api, k)
	}
	return out
}

// releaseOnly drops pre-release and build parts: key sets change with
// releases, and v1.6.0-rc1 already has what v1.6.0 has.
func releaseOnly(v *semver.Version) *semver.Version {
	return semver.New(v.Major(), v.Minor(), v.Patch(), "", "")
}

// semverTag is a go-spacemesh release tag: v1.7.6, v1.7.6-rc1, and the
// devnet form v1.7.6+1 (Spacemesh's release cycle).
var semverTag = regexp.MustCompile(`^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([-+][0-9A-Za-z.+-]+)?$`)

// NodeVersion finds the go-spacemesh version that runs the API node:
// override when given (node_version), else node_release when it is a semver
// tag, or an image reference whose tag is one
// (spacemeshos/go-spacemesh:v1.7.6). A branch, a commit or an image by digest
// say nothing about the version, and then override is required.
func NodeVersion(release, override string) (*semver.Version, error) {
	if override != "" {
		v, err := semver.StrictNewVersion(strings.TrimPrefix(override, "v"))
		if err != nil {
			return nil, &FieldError{FieldNodeVersion, fmt.Sprintf("expected a go-spacemesh version such as 1.7.6, got %q", override)}
		}
		return v, nil
	}
	tag := release
	if i := strings.LastIndex(release, ":"); i >= 0 && !strings.Contains(release, "@") {
		tag = release[i+1:]
	}
	if semverTag.MatchString(tag) {
		if v, err := semver.StrictNewVersion(strings.TrimPrefix(tag, "v")); err == nil {
			return v, nil
		}
	}
	return nil, &FieldError{FieldNodeVersion, fmt.Sprintf(
		"is required: node_release %q is not a semver tag, so the go-spacemesh version that runs it is unknown, and the API node's config must hold only keys that version knows (go-spacemesh >= 1.4 refuses unknown keys); set node_version, e.g. \"1.7.6\"", release)}
}

// CheckNodeRelease refuses a node release that cannot name an image: Docker
// tags cannot hold '+' (the tag grammar is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}),
// and go-spacemesh's image workflow (.github/workflows/dockerhub.yml) pushes
// the git tag as it is, so a devnet tag such as v1.7.6+1 has no image.
func CheckNodeRelease(release string) error {
	tag := release
	if i := strings.LastIndex(release, ":"); i >= 0 && !strings.Contains(release, "@") {
		tag = release[i+1:]
	}
	if strings.Contains(tag, "+") {
		return fmt.Errorf("%q cannot name an image: Docker tags cannot contain '+', and go-spacemesh's images are tagged with the git tag as it is, so none exists for it; "+
			"run the image of the tag's commit (spacemeshos/go-spacemesh-dev:<short sha>) and set node_version to the release it carries", release)
	}
	return nil
}
