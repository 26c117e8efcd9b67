package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/storage"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/cdn"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

// readWindow lets the reads of one refresh (Terraform runs up to ten at once)
// share a GET; it costs each read at most this much latency.
const readWindow = 10 * time.Millisecond

// providerData is what Configure hands every resource and data source.
type providerData struct {
	discoveryURL string // canonical; "" when not configured
	format       discovery.Format
	domain       string
	coalesce     bool
	views        bool // write the frontends' network lists beside each document
	cacheControl string
	gcs          store.GCSConfig
	purger       *cdn.Purger // nil: no CDN purge
	publicURLs   []string

	mu        sync.Mutex
	gcsClient *storage.Client
	syncers   map[string]*store.Syncer
}

// providerDataFrom converts what the framework passes to Configure of a
// resource or data source; nil means the provider is not configured yet.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError(summaryInvalidProviderData, bugDetail("Expected *providerData, got %T.", v))
		return nil
	}
	return d
}

// effectiveURL is the resource's own discovery_url, else the provider's.
func (d *providerData) effectiveURL(own string) (string, error) {
	if own == "" {
		own = d.discoveryURL
	}
	if own == "" {
		return "", fmt.Errorf("no discovery document is configured: set discovery_url on the provider (or SPACEMESH_DISCOVERY_URL), or on this resource")
	}
	loc, err := store.ParseURL(own)
	if err != nil {
		return "", err
	}
	return loc.String(), nil
}

// syncer returns the one Syncer of the document at url, so that every
// resource of this provider instance coalesces through it. The GCS client is
// created on first use: file:// users need no Google credentials.
func (d *providerData) syncer(ctx context.Context, url string) (*store.Syncer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.syncers[url]; ok {
		return s, nil
	}
	loc, err := store.ParseURL(url)
	if err != nil {
		return nil, err
	}
	st, interval, err := d.storeAt(ctx, loc)
	if err != nil {
		return nil, err
	}
	format := d.format
	cfg := store.SyncerConfig{
		AfterWrite: afterWrite(d.viewsAfterWrite(st, loc), d.purgeAfterWrite(url)),
		Coalesce:   d.coalesce,
		// Never write what could not be read back.
		Validate: func(b []byte) error {
			_, err := discovery.Decode(b, format)
			return err
		},
	}
	// Pacing and read windows are part of coalescing: off, every change
	// reads and writes at once, which is the behaviour to compare against.
	if d.coalesce {
		cfg.MinWriteInterval = interval
		cfg.ReadWindow = readWindow
	}
	s := store.NewSyncer(st, cfg)
	d.syncers[url] = s
	return s, nil
}

// storeAt is the store of loc and the least time between its writes. Called
// with d.mu held.
func (d *providerData) storeAt(ctx context.Context, loc store.Location) (store.Store, time.Duration, error) {
	if loc.Scheme != "gs" {
		return store.NewFile(loc), 0, nil
	}
	if d.gcsClient == nil {
		// The client outlives this call: it serves every later operation.
		c, err := store.NewGCSClient(context.WithoutCancel(ctx), d.gcs)
		if err != nil {
			return nil, 0, err
		}
		d.gcsClient = c
	}
	return store.NewGCS(d.gcsClient, loc, d.cacheControl), store.GCSMutationInterval, nil
}

// viewsPrefix is where the views of the document at loc live, relative to
// its folder: views/<name less .json>/.
func viewsPrefix(loc store.Location) string {
	name := loc.Object
	if loc.Scheme == "file" {
		name = filepath.Base(loc.Path)
	}
	return "views/" + strings.TrimSuffix(path.Base(name), ".json") + "/"
}

// viewsError is a failure to rewrite the views after the document was
// written.
type viewsError struct{ err error }

func (e *viewsError) Error() string { return e.err.Error() }
func (e *viewsError) Unwrap() error { return e.err }

// viewsAfterWrite rewrites the frontends' network lists (discovery.Views)
// from the document as it is after a write; nil without discovery_views.
func (d *providerData) viewsAfterWrite(st store.Store, loc store.Location) func(context.Context) error {
	if !d.views {
		return nil
	}
	format, prefix := d.format, viewsPrefix(loc)
	return func(ctx context.Context) error {
		err := store.WriteDerived(ctx, st, prefix, func(data []byte, existing []string) (map[string][]byte, error) {
			doc := discovery.New(format)
			if data != nil {
				var err error
				if doc, err = discovery.Decode(data, format); err != nil {
					return nil, err
				}
			}
			return doc.Views(existing), nil
		})
		if err != nil {
			return &viewsError{fmt.Errorf("the network lists under %s of %s were not rewritten, so the web frontends may list what the document no longer has: %w", prefix, loc, err)}
		}
		return nil
	}
}

// viewsWritten says whether the view of network id beside the document at
// docURL is what doc makes of it: null without discovery_views, false when it
// is missing, another list or cannot be read (the next apply rewrites it).
func (d *providerData) viewsWritten(ctx context.Context, docURL string, doc *discovery.Document, id int64) types.Bool {
	if !d.views {
		return types.BoolNull()
	}
	st, loc, err := d.storeOf(ctx, docURL)
	if err != nil {
		return types.BoolValue(false)
	}
	sib, ok := st.(store.Siblings)
	if !ok {
		return types.BoolValue(false)
	}
	have, found, err := sib.GetSibling(ctx, viewsPrefix(loc)+discovery.ViewOf(id))
	if err != nil {
		tflog.Warn(ctx, "reading a network view failed", map[string]any{"discovery_url": docURL, "net_id": id, "error": err.Error()})
	}
	return types.BoolValue(err == nil && found && bytes.Equal(have, doc.View(id)))
}

// rewriteViews rewrites every view of the document at docURL now, whether or
// not the document was just written.
func (d *providerData) rewriteViews(ctx context.Context, docURL string) error {
	st, loc, err := d.storeOf(ctx, docURL)
	if err != nil {
		return err
	}
	return d.viewsAfterWrite(st, loc)(ctx)
}

// storeOf is the store the syncer of the document at docURL writes, and its
// location.
func (d *providerData) storeOf(ctx context.Context, docURL string) (store.Store, store.Location, error) {
	s, err := d.syncer(ctx, docURL)
	if err != nil {
		return nil, store.Location{}, err
	}
	loc, err := store.ParseURL(docURL)
	return s.Store(), loc, err
}

// viewsOutcome is views_written after a change that returned err (which
// writeOutcome accepted as written): false when the views step failed.
func (d *providerData) viewsOutcome(err error) types.Bool {
	if !d.views {
		return types.BoolNull()
	}
	var views *viewsError
	return types.BoolValue(!errors.As(err, &views))
}

// afterWrite runs each step that is set, in order (the views before the
// purge), all of them even when one fails, and returns their failures
// joined.
func afterWrite(steps ...func(context.Context) error) func(context.Context) error {
	var set []func(context.Context) error
	for _, s := range steps {
		if s != nil {
			set = append(set, s)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return func(ctx context.Context) error {
		var errs []error
		for _, s := range set {
			if err := s(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

// purgeAfterWrite purges discovery_public_urls from Cloudflare's cache after
// a write of the provider's own document; nil for any other document (a
// resource that writes another document has no public URL the provider
// knows) or without a purger.
func (d *providerData) purgeAfterWrite(url string) func(context.Context) error {
	if d.purger == nil || url != d.discoveryURL {
		return nil
	}
	purger, urls := d.purger, d.publicURLs
	return func(ctx context.Context) error {
		if err := purger.PurgeURLs(ctx, urls); err != nil {
			return fmt.Errorf("purging %s from Cloudflare's cache failed, so clients may see the previous document until its Cache-Control max-age passes: %w", strings.Join(urls, ", "), err)
		}
		return nil
	}
}

// readDocument reads and decodes the document at url; an absent document is
// (nil, nil).
func (d *providerData) readDocument(ctx context.Context, url string) (*discovery.Document, error) {
	s, err := d.syncer(ctx, url)
	if err != nil {
		return nil, err
	}
	data, v, err := s.Read(ctx)
	if err != nil {
		return nil, err
	}
	if !v.Exists {
		return nil, nil
	}
	doc, err := discovery.Decode(data, d.format)
	if err != nil {
		return nil, fmt.Errorf("the discovery document %s cannot be used: %w", url, err)
	}
	return doc, nil
}

// writeOutcome reports the result of mutate: a failed CDN purge after a
// successful write is a warning, anything else an error. It returns false
// when the write did not happen.
//
// A failure to rewrite the views after the write is an error, except for a
// create (viewsWarn): an error there would taint the new entry, and its
// replacement would take it out of the document for a moment.
func writeOutcome(diags *diag.Diagnostics, err error, summary string, viewsWarn bool) bool {
	var after *store.AfterWriteError
	var views *viewsError
	if errors.As(err, &views) {
		detail := err.Error() + "\n\nThe document was written. Until the views are rewritten the frontends may list what the document no longer has, or miss what it has: " +
			"an entry whose list is behind shows views_written = false -> true in the next plan (after a removal: the entries that remain), and that apply, or any other write of the document, rewrites them."
		if viewsWarn {
			diags.AddWarning(summaryViewsNotWritten, detail)
		} else {
			diags.AddError(summaryViewsNotWritten, detail)
		}
		return true
	}
	if errors.As(err, &after) {
		diags.AddWarning(summaryPurgeFailed, after.Error())
		return true
	}
	if mayHaveLanded(err) {
		diags.AddError(summary, err.Error()+"\n\nThe change may be in the document. The resource stays in the state, so that the next apply puts it right.")
		return false
	}
	if err != nil {
		diags.AddError(summary, err.Error())
		return false
	}
	return true
}

// mutate applies fn to the document at url (an empty one when absent) by
// compare-and-swap. fn is told when an earlier write carrying it may have
// landed, so that it can treat its own earlier success as done.
func (d *providerData) mutate(ctx context.Context, url string, fn func(doc *discovery.Document, mayHaveLanded bool) error) error {
	s, err := d.syncer(ctx, url)
	if err != nil {
		return err
	}
	defer func() {
		// Cumulative counters of this document in this provider process: with
		// TF_LOG=DEBUG they show how much rate limiting and racing cost.
		st := s.Stats()
		tflog.Debug(ctx, "discovery document change finished", map[string]any{
			"discovery_url": url, "reads": st.Reads, "writes": st.Writes,
			"conflicts": st.Conflicts, "retries": st.Retries, "changes_written": st.Changes,
		})
	}()
	return s.Mutate(ctx, func(current []byte, exists, mayHaveLanded bool) ([]byte, error) {
		doc := discovery.New(d.format)
		if exists {
			var err error
			if doc, err = discovery.Decode(current, d.format); err != nil {
				return nil, fmt.Errorf("the discovery document %s cannot be used, so it was left as it is: %w", url, err)
			}
		}
		before := doc.Encode()
		if err := fn(doc, mayHaveLanded); err != nil {
			return nil, err
		}
		// A change that changes nothing (removing an entry that is gone,
		// from the document or from nothing) writes nothing: no new
		// version, no CDN purge, the document's bytes as they were.
		if after := doc.Encode(); !bytes.Equal(after, before) {
			return after, nil
		}
		return current, nil
	})
}
