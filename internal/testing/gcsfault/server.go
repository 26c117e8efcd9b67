package gcsfault

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a Proxy listening on a loopback address.
type Server struct {
	*Proxy
	// URL is the proxy's base URL, "http://127.0.0.1:<port>".
	URL string

	srv  *http.Server
	done chan struct{}
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves a Proxy built from cfg. Only loopback
// addresses are accepted: the proxy is a test fixture and must not be reachable from elsewhere.
func Start(addr string, cfg Config) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("gcsfault: listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("gcsfault: listen address %q is not a loopback IP (use 127.0.0.1)", addr)
	}
	p, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gcsfault: %w", err)
	}
	s := &Server{
		Proxy: p,
		URL:   "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           p,
			ReadHeaderTimeout: 30 * time.Second,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server at once, closing open connections, and waits for it to stop.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	s.Proxy.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Shutdown stops the server gracefully, within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	s.Proxy.Close()
	return err
}
