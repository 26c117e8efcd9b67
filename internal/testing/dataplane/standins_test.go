package dataplane

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func startNode(t *testing.T, status Status) (*Node, string) {
	t.Helper()
	n, err := NewNode(func() Status { return status })
	if err != nil {
		t.Fatal(err)
	}
	l := listen(t)
	go func() { _ = n.Serve(l) }()
	t.Cleanup(n.Stop)
	return n, l.Addr().String()
}

func TestNodeServesStatusAndAQuietStream(t *testing.T) {
	t.Parallel()
	n, addr := startNode(t, Status{Synced: true, ConnectedPeers: 12, Layer: 345})
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	s, err := CallStatus(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if s != (Status{Synced: true, ConnectedPeers: 12, Layer: 345}) || n.UnaryCalls() != 1 {
		t.Errorf("Status answered %+v after %d calls", s, n.UnaryCalls())
	}

	stream, err := OpenStatusStream(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Header(); err != nil {
		t.Fatalf("the stream's headers: %v", err)
	}
	for n.OpenStreams() == 0 {
		time.Sleep(time.Millisecond)
	}
	got := make(chan Status, 1)
	go func() {
		s, err := stream.Recv()
		if err != nil {
			t.Error(err)
		}
		got <- s
	}()
	select {
	case s := <-got:
		t.Fatalf("the stream spoke before anything was published: %+v", s)
	case <-time.After(50 * time.Millisecond):
	}
	if sent := n.Publish(Status{Synced: false, ConnectedPeers: 3, Layer: 346}); sent != 1 {
		t.Fatalf("published to %d streams", sent)
	}
	if s := <-got; s != (Status{Synced: false, ConnectedPeers: 3, Layer: 346}) {
		t.Errorf("the stream delivered %+v", s)
	}
}

// A peer that pings a node's connection too often while a stream is open gets GOAWAY
// too_many_pings, which ends every stream on the connection: what an ingress controller's
// health-check pings do to Smapp's streams when they come more often than the node admits.
func TestNodeAnswersTooFrequentPingsWithGoaway(t *testing.T) {
	t.Parallel()
	_, addr := startNode(t, Status{Synced: true})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, bufio.NewReader(c))
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	var hdr strings.Builder
	enc := hpack.NewEncoder(&stringWriter{&hdr})
	for _, f := range [][2]string{
		{":method", "POST"}, {":scheme", "http"}, {":path", StatusStreamMethod}, {":authority", addr},
		{"content-type", "application/grpc"}, {"te", "trailers"},
	} {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: []byte(hdr.String()), EndHeaders: true}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if err := fr.WritePing(false, [8]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no GOAWAY before %v", err)
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			if ga.ErrCode != http2.ErrCodeEnhanceYourCalm || string(ga.DebugData()) != "too_many_pings" {
				t.Errorf("GOAWAY %v %q", ga.ErrCode, ga.DebugData())
			}
			return
		}
	}
}

type stringWriter struct{ b *strings.Builder }

func (w *stringWriter) Write(p []byte) (int, error) { return w.b.Write(p) }

func TestGatewayAnswersAsTheNodesJSONGateway(t *testing.T) {
	t.Parallel()
	var seen []string
	g, err := NewGateway(func(r *http.Request) Status {
		seen = append(seen, r.Header.Get("Content-Type"))
		return Status{Synced: true, ConnectedPeers: 12, Layer: 345}
	}, []string{"https://118.explore.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()

	post := func(contentType, body string, hdr map[string]string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+StatusMethod, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("%s: not JSON: %v", resp.Status, err)
		}
		return resp, out
	}

	// What curl -X POST -d '{}' sends, and what the provider sends, and unknown fields.
	for _, c := range []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "{}"}, {"application/json", "{}"}, {"application/json", `{"future":1}`}, {"", ""},
	} {
		resp, out := post(c.ct, c.body, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%q %q: %s %s", c.ct, c.body, resp.Status, resp.Header.Get("Content-Type"))
		}
		// protojson: 64-bit integers as strings, enums by name, lowerCamelCase, zero values emitted.
		want := map[string]any{"connectedPeers": "12", "status": "SYNC_STATUS_SYNCED", "latestLayer": 345.0,
			"appliedLayer": 345.0, "processedLayer": 345.0, "currentLayer": 345.0}
		if len(out) != len(want) {
			t.Errorf("%q: answer %v", c.ct, out)
		}
		for k, v := range want {
			if out[k] != v {
				t.Errorf("%q: %s = %v, want %v", c.ct, k, out[k], v)
			}
		}
	}

	// A gRPC-Web request is not JSON: InvalidArgument, as grpc-gateway answers an undecodable body.
	resp, out := post("application/grpc-web+proto", "\x00\x00\x00\x00\x00", nil)
	if resp.StatusCode != http.StatusBadRequest || out["code"] != 3.0 {
		t.Errorf("gRPC-Web: %s %v", resp.Status, out)
	}

	// CORS as rs/cors answers with only AllowedOrigins set.
	preflight := func(origin, headers string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+StatusMethod, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", headers)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp
	}
	calls := g.Calls()
	resp = preflight("https://118.explore.example.org", "content-type")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "https://118.explore.example.org" ||
		resp.Header.Get("Access-Control-Allow-Methods") != "POST" || resp.Header.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Errorf("preflight from the explorer: %s %v", resp.Status, resp.Header)
	}
	if resp := preflight("https://elsewhere.example.net", "content-type"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin allowed: %v", resp.Header)
	}
	if resp := preflight("https://118.explore.example.org", "content-type,x-grpc-web"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a gRPC-Web preflight is allowed: %v", resp.Header)
	}
	if g.Calls() != calls {
		t.Errorf("preflights reached the mux")
	}
	resp, _ = post("application/json", "{}", map[string]string{"Origin": "https://118.explore.example.org"})
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://118.explore.example.org" {
		t.Errorf("POST from the explorer: %v", resp.Header)
	}
}

func TestStatsAnswersOverview(t *testing.T) {
	t.Parallel()
	s := &Stats{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/overview")
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || out["layers_count"] == nil || s.Calls() != 1 {
		t.Errorf("%s %v", resp.Status, out)
	}
}

func TestForwardRelaysBothWays(t *testing.T) {
	t.Parallel()
	backend := listen(t)
	go func() {
		for {
			c, err := backend.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = c.Close() }()
				b, _ := io.ReadAll(c) // until the client half-closes
				_, _ = c.Write([]byte(strings.ToUpper(string(b))))
			}()
		}
	}()
	front := listen(t)
	go Forward(front, backend.Addr().String())
	defer func() { _ = front.Close(); _ = backend.Close() }()

	addr, ok := front.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", front.Addr())
	}
	c, err := net.DialTCP("tcp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Write([]byte("hello"))
	_ = c.CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "HELLO" {
		t.Errorf("relayed %q, %v", b, err)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 1; i <= 200; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if p := Percentile(ds, 50); p != 100*time.Millisecond {
		t.Errorf("p50 %s", p)
	}
	if p := Percentile(ds, 99); p != 198*time.Millisecond {
		t.Errorf("p99 %s", p)
	}
	if p := Percentile(ds[:1], 99); p != time.Millisecond {
		t.Errorf("p99 of one %s", p)
	}
	if p := Percentile(nil, 50); p != 0 {
		t.Errorf("p50 of none %s", p)
	}
}

func TestLoadCountsEveryRequestAndError(t *testing.T) {
	t.Parallel()
	kinds, all := Load(context.Background(), 200, 100*time.Millisecond, []string{"a", "b"}, func(_ context.Context, kind string) error {
		if kind == "b" {
			return errors.New("refused")
		}
		return nil
	})
	if all.Requests != 20 || all.Errors != 10 || kinds["a"].Requests != 10 || kinds["a"].Errors != 0 || kinds["b"].FirstError != "refused" {
		t.Errorf("all %+v, per kind %+v", all, kinds)
	}
}
