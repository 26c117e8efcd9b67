// Command tfc-publish publishes a goreleaser release of this provider to an
// HCP Terraform (Terraform Cloud) or Terraform Enterprise private registry,
// which, unlike the public registry, does not ingest GitHub releases:
//
//	TFE_TOKEN=... go run ./tools/tfc-publish -org spacemesh -key-id 72D7468F34365D94 -public-key release-key.asc -dist dist/
//
// Before anything reaches the registry it verifies the release: the signature
// of <name>_<version>_SHA256SUMS against the public key (whose id must be
// -key-id, the key the organisation verifies with), and every zip against
// SHA256SUMS. Then it follows the documented API
// (cloud-docs/api-docs/private-registry/provider-versions-platforms): create
// the provider (kept when it exists), the version with the signing key and
// protocol 6, upload SHA256SUMS and its .sig, then one platform per zip listed
// in SHA256SUMS and its upload.
//
// A run that failed part-way is finished by running it again: a version or
// platform that exists is reused when it is this release (same key, same
// SHA256SUMS, same shasum per zip), and files the registry already has are
// not uploaded again. One that exists with other content is another build of
// the version: the run stops before uploading anything.
//
// The GPG public key is added once per organisation (POST
// /api/registry/private/v2/gpg-keys). The token is read from TFE_TOKEN only,
// never from a flag, so it stays out of shell history and process lists.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

const providerName = "spacemesh"

func main() {
	var cfg publisher
	flag.StringVar(&cfg.host, "host", "https://app.terraform.io", "HCP Terraform or Terraform Enterprise address")
	flag.StringVar(&cfg.org, "org", "", "organisation whose private registry gets the provider")
	flag.StringVar(&cfg.keyID, "key-id", "", "id of the GPG key (added to the organisation) that signed SHA256SUMS")
	flag.StringVar(&cfg.publicKey, "public-key", "", "file with that key's armored public key, to verify the release with before publishing it")
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
	host, org, keyID, publicKey, dist, token string
	client                                   *http.Client
}

// release is what goreleaser left in dist for one version.
type release struct {
	version   string
	shasums   string            // path of <name>_<version>_SHA256SUMS
	sums      []byte            // its contents
	signature string            // path of its .sig
	zips      map[string]string // file name -> sha256, from SHA256SUMS
}

var (
	sumsName = regexp.MustCompile(`^terraform-provider-` + providerName + `_([0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)_SHA256SUMS$`)
	sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

func (p publisher) run(ctx context.Context, out io.Writer) error {
	switch {
	case p.token == "":
		return errors.New("TFE_TOKEN is not set (a team or user token with Manage Private Registry permission)")
	case p.org == "":
		return errors.New("-org is required")
	case p.keyID == "":
		return errors.New("-key-id is required: the id of the organisation's GPG key that signed the release")
	case p.publicKey == "":
		return errors.New("-public-key is required: the armored public key of -key-id, to verify the release with before publishing it")
	}
	rel, err := findRelease(p.dist)
	if err != nil {
		return err
	}
	if err := rel.verify(p.publicKey, p.keyID); err != nil {
		return err
	}
	base := strings.TrimSuffix(p.host, "/") + "/api/v2/organizations/" + url.PathEscape(p.org) + "/registry-providers"
	if err := p.createProvider(ctx, base); err != nil {
		return err
	}
	prov := base + "/private/" + url.PathEscape(p.org) + "/" + providerName
	st, err := p.registryState(ctx, prov, rel)
	if err != nil {
		return err
	}
	return p.complete(ctx, out, prov, rel, st)
}

// registryState is what the registry holds of the release: nil where nothing.
type registryState struct {
	version   *object
	platforms map[string]*object // zip name -> platform
}

// registryState reads what the registry has of rel and refuses, before
// anything is created or uploaded, a version that holds another build.
func (p publisher) registryState(ctx context.Context, prov string, rel *release) (*registryState, error) {
	st := &registryState{platforms: map[string]*object{}}
	verURL := prov + "/versions/" + url.PathEscape(rel.version)
	v, err := p.get(ctx, verURL)
	if isStatus(err, http.StatusNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading version %s: %w", rel.version, err)
	}
	st.version = v
	other := func(what string, a ...any) error {
		return fmt.Errorf("version %s exists in the registry with %s: it is another build of this version. Nothing was uploaded; publish this build under a new version, or delete version %s from the registry first", rel.version, fmt.Sprintf(what, a...), rel.version)
	}
	if k := v.str("key-id"); !strings.EqualFold(k, p.keyID) {
		return nil, other("key %s, not %s", k, p.keyID)
	}
	if v.flag("shasums-uploaded") {
		theirs, err := p.download(ctx, v.link("shasums-download"), "the registry's SHA256SUMS of version "+rel.version)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(theirs, rel.sums) {
			return nil, other("other SHA256SUMS than %s", filepath.Base(rel.shasums))
		}
	}
	for _, name := range rel.zipNames() {
		osName, arch, _ := platformOf(name, rel.version) // checked by findRelease
		pl, err := p.get(ctx, verURL+"/platforms/"+url.PathEscape(osName)+"/"+url.PathEscape(arch))
		if isStatus(err, http.StatusNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading platform %s_%s of version %s: %w", osName, arch, rel.version, err)
		}
		if sum := pl.str("shasum"); sum != rel.zips[name] {
			return nil, other("platform %s_%s with shasum %s, where this release's %s has %s", osName, arch, sum, name, rel.zips[name])
		}
		if f := pl.str("filename"); f != name {
			return nil, other("platform %s_%s with file %s, not %s", osName, arch, f, name)
		}
		st.platforms[name] = pl
	}
	return st, nil
}

// complete creates what is missing of rel in the registry and uploads what it
// lacks.
func (p publisher) complete(ctx context.Context, out io.Writer, prov string, rel *release, st *registryState) error {
	v := st.version
	if v == nil {
		created, err := p.post(ctx, prov+"/versions", "registry-provider-versions", map[string]any{
			"version": rel.version, "key-id": p.keyID, "protocols": []string{"6.0"},
		})
		if isStatus(err, http.StatusUnprocessableEntity) {
			return fmt.Errorf("creating version %s: %w (created by another run meanwhile? run again to check it and resume)", rel.version, err)
		}
		if err != nil {
			return fmt.Errorf("creating version %s: %w", rel.version, err)
		}
		v = created
		_, _ = fmt.Fprintf(out, "version %s: created\n", rel.version)
	} else {
		_, _ = fmt.Fprintf(out, "version %s: exists with this release's key, resuming\n", rel.version)
	}
	for _, f := range []struct{ what, uploaded, link, file string }{
		{"SHA256SUMS", "shasums-uploaded", "shasums-upload", rel.shasums},
		{"SHA256SUMS signature", "shasums-sig-uploaded", "shasums-sig-upload", rel.signature},
	} {
		if v.flag(f.uploaded) {
			_, _ = fmt.Fprintf(out, "version %s: %s already uploaded\n", rel.version, f.what)
			continue
		}
		if err := p.upload(ctx, v.link(f.link), f.file); err != nil {
			return err
		}
		_, _ = fmt.Fprintf(out, "version %s: %s uploaded\n", rel.version, f.what)
	}
	for _, name := range rel.zipNames() {
		osName, arch, _ := platformOf(name, rel.version)
		pl := st.platforms[name]
		if pl == nil {
			created, err := p.post(ctx, prov+"/versions/"+url.PathEscape(rel.version)+"/platforms", "registry-provider-version-platforms", map[string]any{
				"os": osName, "arch": arch, "shasum": rel.zips[name], "filename": name,
			})
			if err != nil {
				return fmt.Errorf("creating platform %s_%s: %w", osName, arch, err)
			}
			pl = created
		}
		if pl.flag("provider-binary-uploaded") {
			_, _ = fmt.Fprintf(out, "version %s: %s_%s already uploaded\n", rel.version, osName, arch)
			continue
		}
		if err := p.upload(ctx, pl.link("provider-binary-upload"), filepath.Join(p.dist, name)); err != nil {
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
	if rel.sums, err = os.ReadFile(rel.shasums); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(rel.sums))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 || !strings.HasSuffix(fields[1], ".zip") {
			continue
		}
		if !sha256Re.MatchString(fields[0]) {
			return nil, fmt.Errorf("%s: %q is not a sha256 in hex", rel.shasums, fields[0])
		}
		if _, _, err := platformOf(fields[1], rel.version); err != nil {
			return nil, err
		}
		rel.zips[fields[1]] = fields[0]
	}
	if len(rel.zips) == 0 {
		return nil, fmt.Errorf("%s lists no zip archives", rel.shasums)
	}
	return rel, sc.Err()
}

func (rel *release) zipNames() []string {
	names := make([]string, 0, len(rel.zips))
	for n := range rel.zips {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// verify checks the release as a client of the registry will: SHA256SUMS's
// signature against the public key, whose id must be keyID (the key the
// registry names for the version), and every zip against SHA256SUMS.
func (rel *release) verify(publicKeyFile, keyID string) error {
	armored, err := os.ReadFile(publicKeyFile)
	if err != nil {
		return fmt.Errorf("-public-key: %w", err)
	}
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armored))
	if err != nil {
		return fmt.Errorf("-public-key %s is not an armored OpenPGP public key: %w", publicKeyFile, err)
	}
	if len(keyring) != 1 {
		return fmt.Errorf("-public-key %s holds %d keys: give the release key alone", publicKeyFile, len(keyring))
	}
	if id := keyring[0].PrimaryKey.KeyIdString(); !strings.EqualFold(id, keyID) {
		return fmt.Errorf("-public-key %s is key %s, but -key-id is %s: give the public key of the key the organisation verifies this provider with", publicKeyFile, id, keyID)
	}
	sig, err := os.ReadFile(rel.signature)
	if err != nil {
		return err
	}
	// gpg --detach-sign (goreleaser's default) writes a binary signature;
	// --armor an armored one.
	check := openpgp.CheckDetachedSignature
	if bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN")) {
		check = openpgp.CheckArmoredDetachedSignature
	}
	if _, err := check(keyring, bytes.NewReader(rel.sums), bytes.NewReader(sig), nil); err != nil {
		return fmt.Errorf("the signature %s does not verify %s with key %s: %v. Nothing was published; rebuild the release or give the right key", filepath.Base(rel.signature), filepath.Base(rel.shasums), keyID, err)
	}
	for _, name := range rel.zipNames() {
		got, err := fileSHA256(filepath.Join(filepath.Dir(rel.shasums), name))
		if err != nil {
			return fmt.Errorf("%s lists %s: %w", filepath.Base(rel.shasums), name, err)
		}
		if got != rel.zips[name] {
			return fmt.Errorf("%s: its sha256 is %s, %s says %s. Nothing was published; the file is not the one that was signed", name, got, filepath.Base(rel.shasums), rel.zips[name])
		}
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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

func isStatus(err error, code int) bool {
	var se *statusError
	return errors.As(err, &se) && se.code == code
}

// object is a JSON:API resource as the registry answers with it: its
// attributes, and its links (a file's upload link while the registry lacks
// it, its download link once it is there).
type object struct {
	Attributes map[string]any `json:"attributes"`
	Links      map[string]any `json:"links"`
}

func (o *object) str(attr string) string { s, _ := o.Attributes[attr].(string); return s }
func (o *object) flag(attr string) bool  { b, _ := o.Attributes[attr].(bool); return b }
func (o *object) link(name string) string {
	s, _ := o.Links[name].(string)
	return s
}

// post sends a JSON:API document and returns the resource it created.
func (p publisher) post(ctx context.Context, u, typ string, attrs map[string]any) (*object, error) {
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"type": typ, "attributes": attrs}})
	return p.api(ctx, http.MethodPost, u, body)
}

// get reads a resource; a missing one is a *statusError with code 404.
func (p publisher) get(ctx context.Context, u string) (*object, error) {
	return p.api(ctx, http.MethodGet, u, nil)
}

func (p publisher) api(ctx context.Context, method, u string, body []byte) (*object, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
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
		Data object `json:"data"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("unexpected answer: %w", err)
	}
	return &doc.Data, nil
}

// download GETs a file from a download link the API returned. Like an upload
// link it is a capability and carries its own authorisation: the token is not
// sent, and no message shows more of it than its host.
func (p publisher) download(ctx context.Context, link, what string) ([]byte, error) {
	if link == "" {
		return nil, fmt.Errorf("the registry gave no download link for %s, so it cannot be compared with this release", what)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("downloading %s from %s: %w", what, linkHost(link), withoutLink(err, link))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading %s from %s: %w", what, linkHost(link), withoutLink(err, link))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("downloading %s from %s: HTTP %s", what, linkHost(link), resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("downloading %s from %s: %w", what, linkHost(link), withoutLink(err, link))
	}
	return b, nil
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
