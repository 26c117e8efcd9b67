package discovery

import (
	"fmt"
	"strings"
)

// How the released clients use each URL of an entry. They build further URLs
// by plain string concatenation, never by resolving a path: text appended to
// a value with a query or a fragment lands inside it, and text appended to an
// explorer URL without its trailing '/' changes the host. Sources (tags as
// read): smapp v1.7.4, explorer-frontend 42a5728d (and v1-legacy, which read
// explorerAPI), dash-frontend f213fe36.
type urlUse struct {
	// appended is an example of what a client appends; "" when the value
	// is only compared, never extended.
	appended string
	// by says who appends it.
	by string
}

var urlUses = map[Field]urlUse{
	// desktop/main/autoUpdater.ts getFeedUrl: `${baseUrl}/v${semver}`.
	FieldSmappBaseDownloadURL: {"/v1.2.3", `Smapp appends "/v<release>" to it`},
	FieldNodeBaseDownloadURL:  {"/v1.2.3", `clients append "/v<release>" to it`},
	// explorer-frontend src/store/index.jsx: the v2alpha1 client's basePath
	// (trailing '/' removed), as wait_for_sync calls it too.
	FieldAPIJSON: {"/spacemesh.v2alpha1.NodeService/Status", "the explorer appends the API's paths to it"},
	// dash-frontend src/store/ViewStore/index.js and src/pages/Home/index.js:
	// fetch(`${grpcAPI}/spacemesh.v2alpha1.NetworkService/Info`).
	FieldAPIGRPC: {"/spacemesh.v2alpha1.NetworkService/Info", "the dashboard appends the JSON API's paths to it"},
	// explorer-frontend src/store/index.jsx fetch(`${statsApiUrl}/overview`);
	// dash-frontend src/pages/Home/index.js `${statsApiUrl}/circulation`.
	FieldStatsAPI: {"/overview", "the explorer and the dashboard append paths to it"},
	// explorer-frontend v1-legacy src/store/index.jsx: `${explorerAPI}/` then
	// `ws/network-info` and the table paths.
	FieldExplorerAPI: {"/ws/network-info", "the explorer appends paths to it"},
	// app/screens/wallet/Overview.tsx and app/basicComponents/ExplorerButton.tsx:
	// explorerUrl.concat(`accounts/${address}`); dash-frontend
	// src/pages/Home/index.js `${explorerUrl}smeshers`.
	FieldExplorer: {"accounts/<address>", "Smapp and the dashboard append paths such as \"accounts/<address>\" to it"},
	// desktop/main/reactions/handleOpenDashboard.ts: `${dashUrl}?hide-right-line&darkMode`.
	FieldDash: {"?hide-right-line&darkMode", `Smapp opens it with "?hide-right-line&darkMode" appended`},
}

// CheckFieldURL checks s as the value of the URL field f: an https URL (wss
// too for dashAPI) that every client can use as it uses f.
func CheckFieldURL(f Field, s string) error {
	switch f {
	case FieldDashAPI:
		return CheckDashAPIURL(s)
	case FieldConf:
		return CheckConfURL(s)
	case FieldSmappBaseDownloadURL, FieldNodeBaseDownloadURL:
		return checkBaseDownloadURL(s, urlUses[f])
	}
	use, ok := urlUses[f]
	if !ok {
		return fmt.Errorf("%s is not a URL field", keys[FormatSmapp].fields[f])
	}
	if err := CheckHTTPSURL(s); err != nil {
		return err
	}
	if err := checkExtendable(s, use); err != nil {
		return err
	}
	if f == FieldExplorer && !strings.HasSuffix(s, "/") {
		return fmt.Errorf("expected a URL ending in '/', got %q: %s, which would give %q; write %q",
			s, use.by, s+use.appended, s+"/")
	}
	return nil
}

// checkExtendable refuses a query or a fragment in a URL the clients append
// to. Either one makes the appended text part of the query or fragment: the
// request goes to the bare URL, or the appended text is lost.
func checkExtendable(s string, use urlUse) error {
	// A URL's text holds '?' or '#' only as the start of its query or
	// fragment: the host cannot, and the path has them percent-encoded.
	if strings.ContainsAny(s, "?#") {
		return fmt.Errorf("expected a URL without a query (\"?...\") or fragment (\"#...\"), got %q: %s, which would give %q",
			s, use.by, s+use.appended)
	}
	return nil
}

// smappNetworksFile is the name Smapp keeps its copy of the discovery
// document under, beside the configs (desktop/main/fallbackConfigs.ts
// NETWORKS_FILENAME).
const smappNetworksFile = "networks.json"

// ConfFileName is the name Smapp gives its offline copy of the config at
// conf: everything after the URL's last '/' (smapp
// desktop/main/fallbackConfigs.ts getConfigFilename), query and fragment
// included.
func ConfFileName(conf string) string { return conf[strings.LastIndex(conf, "/")+1:] }

// CheckConfURL accepts an https URL whose path ends in a file name that
// Smapp can keep its offline copy of the config under: Smapp saves every
// network's config in one directory, named after the last part of its conf
// URL (desktop/main/fallbackConfigs.ts), and starts a network from that copy
// whenever the config cannot be fetched. That the name is the entry's own
// is a rule between entries (see Document.Clashes).
func CheckConfURL(s string) error {
	if err := CheckHTTPSURL(s); err != nil {
		return err
	}
	name := ConfFileName(s)
	if strings.ContainsAny(s, "?#") {
		return fmt.Errorf("expected a URL without a query (\"?...\") or fragment (\"#...\"), got %q: Smapp names its offline copy of the config after everything behind the URL's last '/', which would be %q", s, name)
	}
	if rest, _ := strings.CutPrefix(s, "https://"); !strings.Contains(rest, "/") || name == "" {
		return fmt.Errorf("expected a URL that ends in a file name, such as \"https://configs.example.org/testnet-118.json\", got %q: Smapp names its offline copy of the config after the URL's last part", s)
	}
	if strings.ContainsAny(name, `\:*"<>|`) {
		return fmt.Errorf("in %q: the file name %q has a character Windows does not allow in file names (\\ : * \" < > |), and Smapp names its offline copy of the config after it", s, name)
	}
	if strings.EqualFold(name, smappNetworksFile) {
		return fmt.Errorf("in %q: %q is the name Smapp keeps its copy of the discovery document under, in the directory where it keeps each network's config under the name its conf URL ends in: the two would overwrite each other. Publish the config under another name", s, name)
	}
	return nil
}
