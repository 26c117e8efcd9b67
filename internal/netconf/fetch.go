package netconf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retry policy for Fetch. Variables so that tests can shorten them.
var (
	fetchAttempts       = 3
	fetchBackoff        = 500 * time.Millisecond // doubled after each failed attempt
	fetchAttemptTimeout = 30 * time.Second
)

// defaultClient trusts the system's roots (a cloned default transport: proxy
// settings from the environment, HTTP/2, sane dial and TLS timeouts).
var defaultClient = &http.Client{Transport: defaultTransport()}

func defaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return http.DefaultTransport // replaced by a program that knows why
}

// Fetch downloads a node config from an https URL; see Fetcher.Fetch.
func Fetch(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	return Fetcher{Client: client}.Fetch(ctx, rawURL)
}

// Fetcher downloads node configs. Client may be nil (system trust store);
// tests pass one that trusts their own CA. Logger, when set, hears of every
// attempt and retry (the provider routes it to Terraform's log).
type Fetcher struct {
	Client *http.Client
	Logger retryablehttp.LeveledLogger
}

// Fetch downloads a node config from an https URL with go-retryablehttp: a
// couple of retries, with backoff, on 5xx, 429, timeouts and dropped
// connections; none on 4xx, certificate errors or refused redirects, which do
// not go away by waiting. The body is limited to MaxConfigSize, redirects must
// stay on https, and every error names the URL.
func (f Fetcher) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("config URL %q is not a URL: %v", rawURL, err)
	}
	shown := u.Redacted() // never echo credentials in an error
	if !strings.EqualFold(u.Scheme, "https") || u.Host == "" {
		return nil, fmt.Errorf("config URL %s: only absolute https:// URLs are fetched (the node config decides a network; it is not fetched over plain http)", shown)
	}
	rc := f.retryingClient()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", shown, err)
	}
	req.Header.Set("Accept", "application/json")
	var attempts int
	rc.RequestLogHook = func(_ retryablehttp.Logger, _ *http.Request, attempt int) { attempts = attempt + 1 }
	resp, err := rc.Do(req)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("fetching %s: %w (after: %v)", shown, ctx.Err(), err)
	case err != nil && attempts >= fetchAttempts:
		return nil, fmt.Errorf("fetching %s: gave up after %d attempts: %w", shown, attempts, unwrapURLError(err))
	case err != nil:
		return nil, fmt.Errorf("fetching %s: %w", shown, unwrapURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := readConfig(resp)
	switch {
	case err != nil && attempts >= fetchAttempts && retryStatus(resp.StatusCode):
		return nil, fmt.Errorf("fetching %s: gave up after %d attempts: %w", shown, attempts, err)
	case err != nil:
		return nil, fmt.Errorf("fetching %s: %w", shown, err)
	}
	return body, nil
}

// retryingClient wraps the HTTP client in go-retryablehttp with this
// package's policy. The last answer (or error) is handed back as it is, so the
// caller can say what the server said.
func (f Fetcher) retryingClient() *retryablehttp.Client {
	base := f.Client
	if base == nil {
		base = defaultClient
	}
	c := *base
	if c.Timeout == 0 || c.Timeout > fetchAttemptTimeout {
		c.Timeout = fetchAttemptTimeout
	}
	next := base.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Scheme, "https") {
			return &redirectError{fmt.Sprintf("redirect to %s refused: only https is followed", req.URL.Redacted())}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return &redirectError{"stopped after 10 redirects"}
		}
		return nil
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &c
	rc.RetryMax = fetchAttempts - 1
	rc.RetryWaitMin, rc.RetryWaitMax = fetchBackoff, fetchBackoff<<(fetchAttempts-1)
	rc.Backoff = retryablehttp.DefaultBackoff // exponential from RetryWaitMin; honours Retry-After
	rc.CheckRetry = checkRetry
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.Logger = f.Logger
	return rc
}

// checkRetry retries 5xx, 429 and transient network errors (retryable).
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryable(err), nil
	}
	return retryStatus(resp.StatusCode), nil
}

func retryStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// readConfig takes the body of a 2xx answer, within MaxConfigSize.
func readConfig(resp *http.Response) ([]byte, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	if resp.ContentLength > MaxConfigSize {
		return nil, fmt.Errorf("%w: the server announces %d bytes, the limit is %d", ErrTooLarge, resp.ContentLength, MaxConfigSize)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if len(body) > MaxConfigSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxConfigSize)
	}
	return body, nil
}

// redirectError is a redirect the fetcher refuses; it is never retried.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// unwrapURLError drops net/http's "Get \"<url>\": " prefix: the caller names
// the URL once, redacted.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryable: timeouts and connections that were refused or dropped; not
// certificate or TLS failures, nor refused redirects.
func retryable(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostname  x509.HostnameError
		certInv   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		recordHdr tls.RecordHeaderError
	)
	var redirect *redirectError
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &certInv) ||
		errors.As(err, &verify) || errors.As(err, &recordHdr) || errors.As(err, &redirect) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
