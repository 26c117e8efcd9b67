// Package clientcontract checks a discovery document the way Spacemesh's
// released clients read it: a JSON Schema per client (schemas/, each citing
// the upstream file it encodes), validated with a maintained JSON Schema
// implementation, plus the rules a schema cannot say (URLs the clients build
// from several keys, values that must differ between entries).
//
// The provider does not use it to decide what to write (that is
// internal/discovery); tests and the quickstart check use it to prove that
// what was written works for every client.
package clientcontract

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schemas/*.json
var schemaFiles embed.FS

// Client is one reader of the document and its schema.
type Client struct {
	Name   string // the schema's title, e.g. "Smapp 1.x"
	File   string // schemas/<file>
	schema *jsonschema.Schema
}

// Violation is one way a document fails a client.
type Violation struct {
	Client string
	Detail string
}

func (v Violation) String() string { return v.Client + ": " + v.Detail }

// Clients returns every client with its compiled schema. It fails only if a
// schema is broken. The schemas are compiled once: compiling is most of the
// cost of a check (BenchmarkCheck).
func Clients() ([]Client, error) { return compiledClients() }

var compiledClients = sync.OnceValues(compileClients)

func compileClients() ([]Client, error) {
	names, err := fs.Glob(schemaFiles, "schemas/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	c := jsonschema.NewCompiler()
	var out []Client
	for _, name := range names {
		raw, err := schemaFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		// Each schema's $id names it, so messages do not show local paths.
		id := "https://spacemesh.io/contract/" + path.Base(name)
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		sch, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var meta struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil || meta.Title == "" {
			return nil, fmt.Errorf("%s: no title", name)
		}
		out = append(out, Client{Name: meta.Title, File: path.Base(name), schema: sch})
	}
	return out, nil
}

// Check returns every way document fails a client: schema violations first,
// then the cross-key rules. An empty result means every client reads it.
func Check(document []byte) ([]Violation, error) {
	clients, err := Clients()
	if err != nil {
		return nil, err
	}
	inst, notJSON := parseDocument(document)
	if notJSON != nil {
		return []Violation{*notJSON}, nil
	}
	var out []Violation
	for _, c := range clients {
		if err := c.schema.Validate(inst); err != nil {
			detail := err.Error()
			if ve, ok := err.(*jsonschema.ValidationError); ok {
				// The causes say where and what; the first line only names the schema.
				var parts []string
				for _, cause := range ve.Causes {
					parts = append(parts, strings.ReplaceAll(cause.Error(), "\n", "; "))
				}
				detail = strings.Join(parts, "; ")
			}
			out = append(out, Violation{Client: c.Name + " (" + c.File + ")", Detail: detail})
		}
	}
	return append(out, crossKeyRules(document)...), nil
}

// parseDocument reads the document for the schemas; a document that is not
// JSON fails every client, which is a finding, not an error of the check.
func parseDocument(document []byte) (any, *Violation) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(document))
	if err != nil {
		return nil, &Violation{Client: "every client", Detail: "the document is not JSON: " + err.Error()}
	}
	return inst, nil
}

// crossKeyRules are what the clients do with the values. A document that is
// not an array of objects has none to check: the schemas say why.
func crossKeyRules(document []byte) []Violation {
	var entries []map[string]any
	if json.Unmarshal(document, &entries) != nil {
		return nil
	}
	var out []Violation
	seenDash := map[string]int{}
	type confSeen struct{ name, conf string }
	seenConf := map[string]confSeen{}
	for i, e := range entries {
		name := fmt.Sprintf("entry %d", i+1)
		if n, ok := e["netName"].(string); ok {
			name = fmt.Sprintf("entry %d (%s)", i+1, n)
		}
		// Smapp caches each config under the text after conf's last '/', all
		// in one directory (smapp v1.7.4 desktop/main/fallbackConfigs.ts
		// getConfigFilename); macOS and Windows compare names
		// case-insensitively. Two entries with one name share one copy, and
		// offline one network starts with the other's config.
		if c, ok := e["conf"].(string); ok && c != "" {
			file := strings.ToLower(c[strings.LastIndex(c, "/")+1:])
			if prev, dup := seenConf[file]; dup && file != "" {
				out = append(out, Violation{"Smapp offline cache", fmt.Sprintf("%s: conf %q ends in the file name of %s's %q: Smapp caches both configs in one file", name, c, prev.name, prev.conf)})
			} else {
				seenConf[file] = confSeen{name, c}
			}
		}
		// Smapp's updater: ${smappBaseDownloadUrl}/v${latestSmappRelease}
		// (smapp desktop/main/autoUpdater.ts).
		base, _ := e["smappBaseDownloadUrl"].(string)
		rel, _ := e["latestSmappRelease"].(string)
		if base != "" && rel != "" {
			feed := base + "/v" + rel
			u, err := url.Parse(feed)
			switch {
			case err != nil || u.Scheme != "https" || u.Host == "":
				out = append(out, Violation{"Smapp updater", fmt.Sprintf("%s: feed URL %q is not an https URL", name, feed)})
			case strings.Contains(u.Path, "//") || strings.Contains(feed, "/vv") || strings.ContainsAny(feed, "?#"):
				out = append(out, Violation{"Smapp updater", fmt.Sprintf("%s: feed URL %q is malformed", name, feed)})
			}
		}
		// Smapp dials grpcAPI on 443 whatever port the URL names
		// (smapp desktop/main/utils.ts toSocketAddress), with TLS only for
		// https: the gRPC service must be https on 443.
		if g, ok := e["grpcAPI"].(string); ok && g != "" {
			u, err := url.Parse(g)
			if err != nil || u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") {
				out = append(out, Violation{"Smapp gRPC", fmt.Sprintf("%s: grpcAPI %q is not https on 443; Smapp would dial %s:443", name, g, hostOf(g))})
			}
		}
		// explorer-frontend selects networks by dashAPI (src/store/index.jsx).
		if d, ok := e["dashAPI"].(string); ok && d != "" {
			key := strings.TrimSuffix(d, "/")
			if j, dup := seenDash[key]; dup {
				out = append(out, Violation{"explorer-frontend (Explorer V2)", fmt.Sprintf("%s has the dashAPI of entry %d (%q): the explorer could not tell them apart", name, j, d)})
			}
			seenDash[key] = i + 1
		}
	}
	return out
}

func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return s
}
