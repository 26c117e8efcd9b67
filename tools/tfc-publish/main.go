// Command tfc-publish publishes a goreleaser release of this provider to an
// HCP Terraform (Terraform Cloud) or Terraform Enterprise private registry,
// which, unlike the public registry, does not ingest GitHub releases:
//
//	TFE_TOKEN=... go run ./tools/tfc-publish -org spacemesh -key-id 72D7468F34365D94 -dist dist/
//
// It follows the documented API (cloud-docs/registry/publish-providers): create
// the provider (kept when it exists), create the version with the signing key
// and protocol 6, upload <name>_<version>_SHA256SUMS and its .sig, then create
// one platform per zip listed in SHA256SUMS and upload it. The GPG public key
// is added once per organisation (POST /api/registry/private/v2/gpg-keys) and
// named here by its key id. The token is read from TFE_TOKEN only, never from
// a flag, so it stays out of shell history and process lists.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

const providerName = "spacemesh"

func main() {
	var cfg publisher
	flag.StringVar(&cfg.host, "host", "https://app.terraform.io", "HCP Terraform or Terraform Enterprise address")
	flag.StringVar(&cfg.org, "org", "", "organisation whose private registry gets the provider")
	flag.StringVar(&cfg.keyID, "key-id", "", "id of the GPG key (added to the organisation) that signed SHA256SUMS")
	flag.StringVar(&cfg.dist, "dist", "dist", "goreleaser's output directory")
	flag.Parse()
	cfg.token = os.Getenv("TFE_TOKEN")
	cfg.client = &http.Client{Timeout: 5 * time.Minute}
	if err := cfg.run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tfc-publish:", err)
		os.Exit(1)
	}
}

type publisher struct {
	host, org, keyID, dist, token string
	client                        *http.Client
}

// release is what goreleaser left in dist for one version.
type release struct {
	version   string
	shasums   string            // path of <name>_<version>_SHA256SUMS
	signature string            // path of its .sig
	zips      map[string]string // file name -> sha256, from SHA256SUMS
}

var sumsName = regexp.MustCompile(`^terraform-provider-` + providerName + `_([0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)_SHA256SUMS$`)

func (p publisher) run(ctx context.Context, out io.Writer) error {
	switch {
	case p.token == "":
		return errors.New("TFE_TOKEN is not set (a team or user token with Manage Private Registry permission)")
	case p.org == "":
		return errors.New("-org is required")
	case p.keyID == "":
		return errors.New("-key-id is required: the id of the organisation's GPG key that signed the release")
	}
	rel, err := findRelease(p.dist)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(p.host, "/") + "/api/v2/organizations/" + url.PathEscape(p.org) + "/registry-providers"
	if err := p.createProvider(ctx, base); err != nil {
		return err
	}
	prov := base + "/private/" + url.PathEscape(p.org) + "/" + providerName
	links, err := p.post(ctx, prov+"/versions", "registry-provider-versions", map[string]any{
		"version": rel.version, "key-id": p.keyID, "protocols": []string{"6.0"},
	})
	if err != nil {
		return fmt.Errorf("creating version %s: %w", rel.version, err)
	}
	for _, up := range []struct{ link, file string }{{"shasums-upload", rel.shasums}, {"shasums-sig-upload", rel.signature}} {
		if err := p.upload(ctx, links[up.link], up.file); err != nil {
			return err
		}
	}
	_, _ = fmt.Fprintf(out, "version %s: SHA256SUMS and signature uploaded\n", rel.version)
	for name, sum := range rel.zips {
		osName, arch, err := platformOf(name, rel.version)
		if err != nil {
			return err
		}
		links, err := p.post(ctx, prov+"/versions/"+url.PathEscape(rel.version)+"/platforms", "registry-provider-version-platforms", map[string]any{
			"os": osName, "arch": arch, "shasum": sum, "filename": name,
		})
		if err != nil {
			return fmt.Errorf("creating platform %s_%s: %w", osName, arch, err)
		}
		if err := p.upload(ctx, links["provider-binary-upload"], filepath.Join(p.dist, name)); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "version %s: %s_%s uploaded\n", rel.version, osName, arch)
	}
	return nil
}

// findRelease reads SHA256SUMS: the zips it lists are the platforms.
func findRelease(dist string) (*release, error) {
	entries, err := os.ReadDir(dist)
	if err != nil {
		return nil, err
	}
	var rel *release
	for _, e := range entries {
		m := sumsName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if rel != nil {
			return nil, fmt.Errorf("%s holds more than one release's SHA256SUMS", dist)
		}
		rel = &release{version: m[1], shasums: filepath.Join(dist, e.Name()), signature: filepath.Join(dist, e.Name()+".sig"), zips: map[string]string{}}
	}
	if rel == nil {
		return nil, fmt.Errorf("no terraform-provider-%s_<version>_SHA256SUMS in %s: run goreleaser first", providerName, dist)
	}
	if _, err := os.Stat(rel.signature); err != nil {
		return nil, fmt.Errorf("the release is not signed: %w (the registries refuse unsigned providers)", err)
	}
	f, err := os.Open(rel.shasums)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && strings.HasSuffix(fields[1], ".zip") {
			rel.zips[fields[1]] = fields[0]
		}
	}
	if len(rel.zips) == 0 {
		return nil, fmt.Errorf("%s lists no zip archives", rel.shasums)
	}
	return rel, sc.Err()
}

// platformOf reads os and arch from goreleaser's archive name.
func platformOf(name, version string) (string, string, error) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(name, ".zip"), "terraform-provider-"+providerName+"_"+version+"_")
	osName, arch, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 || osName == "" || arch == "" {
		return "", "", fmt.Errorf("archive %q is not named terraform-provider-%s_%s_<os>_<arch>.zip", name, providerName, version)
	}
	return osName, arch, nil
}

// createProvider creates the private provider; one that exists is kept.
func (p publisher) createProvider(ctx context.Context, base string) error {
	_, err := p.post(ctx, base, "registry-providers", map[string]any{"name": providerName, "namespace": p.org, "registry-name": "private"})
	var se *statusError
	if errors.As(err, &se) && se.code == http.StatusUnprocessableEntity && strings.Contains(se.body, "already") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating the provider: %w", err)
	}
	return nil
}

type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.code, strings.TrimSpace(e.body))
}

// post sends a JSON:API document and returns the response's data.links.
func (p publisher) post(ctx context.Context, u, typ string, attrs map[string]any) (map[string]string, error) {
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"type": typ, "attributes": attrs}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return nil, &statusError{resp.StatusCode, string(b)}
	}
	var doc struct {
		Data struct {
			Links map[string]string `json:"links"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("unexpected answer: %w", err)
	}
	return doc.Data.Links, nil
}

// upload PUTs a file to an upload link the API returned. The link is a
// capability (whoever holds it can write the release's file until it
// expires), so no message shows more of it than its host.
func (p publisher) upload(ctx context.Context, link, file string) error {
	name := filepath.Base(file)
	if link == "" {
		return fmt.Errorf("no upload link for %s", name)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, link, f)
	if err != nil {
		return fmt.Errorf("uploading %s to %s: %w", name, linkHost(link), withoutLink(err, link))
	}
	req.ContentLength = st.Size()
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("uploading %s to %s: %w", name, linkHost(link), withoutLink(err, link))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		// The object store's answer is left out: such answers echo the
		// request, link and signature included.
		return fmt.Errorf("uploading %s to %s: HTTP %s", name, linkHost(link), resp.Status)
	}
	return nil
}

// linkHost is all of a signed link that may be shown: its scheme and host.
// The rest is the capability: the registry's object store (archivist) keeps
// it in the path, other stores in a signature in the query.
func linkHost(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return "the upload link"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// withoutLink is err's message with link taken out. *url.Error, which every
// failed request returns, quotes the whole link; the error is flattened, so
// that unwrapping cannot find the link again.
func withoutLink(err error, link string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	secrets := []string{link}
	if u, perr := url.Parse(link); perr == nil {
		secrets = append(secrets, u.RawQuery, u.EscapedPath(), u.Path)
	}
	for _, s := range secrets {
		if len(s) > 1 {
			msg = strings.ReplaceAll(msg, s, "…")
		}
	}
	return errors.New(msg)
}
