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
)

// Retry policy for Fetch. Variables so that tests can shorten them.
var (
	fetchAttempts       = 3
	fetchBackoff        = 500 * time.Millisecond // doubled after each failed attempt
	fetchAttemptTimeout = 30 * time.Second
)

// defaultClient trusts the system's roots (a cloned default transport: proxy
// settings from the environment, HTTP/2, sane dial and TLS timeouts).
var defaultClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}

// Fetch downloads a node config from an https URL. client may be nil (system
// trust store); tests pass one that trusts their own CA. It retries a couple
// of times, with backoff, on 5xx, 429, timeouts and dropped connections; it
// does not retry 4xx or certificate errors, which do not go away by waiting.
// The body is limited to MaxConfigSize, redirects must stay on https, and
// every error names the URL.
func Fetch(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("config URL %q is not a URL: %v", rawURL, err)
	}
	shown := u.Redacted() // never echo credentials in an error
	if !strings.EqualFold(u.Scheme, "https") || u.Host == "" {
		return nil, fmt.Errorf("config URL %s: only absolute https:// URLs are fetched (the node config decides a network; it is not fetched over plain http)", shown)
	}
	if client == nil {
		client = defaultClient
	}
	c := *client
	next := client.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Scheme, "https") {
			return fmt.Errorf("redirect to %s refused: only https is followed", req.URL.Redacted())
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}

	var last error
	for attempt := 0; attempt < fetchAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("fetching %s: %w (after: %v)", shown, ctx.Err(), last)
			case <-time.After(fetchBackoff << (attempt - 1)):
			}
		}
		body, retry, err := fetchOnce(ctx, &c, u.String())
		if err == nil {
			return body, nil
		}
		last = err
		if !retry || ctx.Err() != nil {
			return nil, fmt.Errorf("fetching %s: %w", shown, err)
		}
	}
	return nil, fmt.Errorf("fetching %s: gave up after %d attempts: %w", shown, fetchAttempts, last)
}

// fetchOnce makes one attempt; retry says whether another may succeed.
func fetchOnce(ctx context.Context, c *http.Client, u string) (body []byte, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, fetchAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, retryable(err), err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, true, fmt.Errorf("HTTP %s", resp.Status)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, false, fmt.Errorf("HTTP %s", resp.Status)
	}
	if resp.ContentLength > MaxConfigSize {
		return nil, false, fmt.Errorf("%w: the server announces %d bytes, the limit is %d", ErrTooLarge, resp.ContentLength, MaxConfigSize)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, MaxConfigSize+1))
	if err != nil {
		return nil, retryable(err), fmt.Errorf("reading the body: %w", err)
	}
	if len(body) > MaxConfigSize {
		return nil, false, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxConfigSize)
	}
	return body, false, nil
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
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &certInv) ||
		errors.As(err, &verify) || errors.As(err, &recordHdr) {
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
