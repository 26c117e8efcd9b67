package dataplane

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/rs/cors"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Gateway stands in for go-spacemesh's JSON gateway (api/grpcserver/http_server.go, v1.7.6): a
// grpc-gateway v2 ServeMux wrapped in rs/cors with only AllowedOrigins set, the node's
// grpc-cors-allowed-origins. The CORS handling is rs/cors itself, at the version go-spacemesh v1.7.6
// requires (v1.11.1). The mux's answers are grpc-gateway's defaults: the request body is read as
// JSON whatever its Content-Type (no marshaler is registered for any other type), unknown fields
// are discarded, the answer is protojson with unpopulated fields emitted (enums by name, 64-bit
// integers as strings), and errors are a google.rpc.Status as JSON with the HTTP status of its code.
type Gateway struct {
	desc    Descriptors
	status  func(*http.Request) Status
	handler http.Handler

	mu    sync.Mutex
	calls int
}

// NewGateway answers Status with status(request), allowing the given origins.
func NewGateway(status func(*http.Request) Status, allowedOrigins []string) (*Gateway, error) {
	d, err := LoadDescriptors()
	if err != nil {
		return nil, err
	}
	g := &Gateway{desc: d, status: status}
	g.handler = cors.New(cors.Options{AllowedOrigins: allowedOrigins}).Handler(http.HandlerFunc(g.serveMux))
	return g, nil
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.handler.ServeHTTP(w, r) }

// Calls is how many requests reached the mux (CORS preflights are answered before it).
func (g *Gateway) Calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

// gRPC codes the gateway maps to HTTP (grpc-gateway runtime.HTTPStatusFromCode).
const (
	codeInvalidArgument = 3
	codeNotFound        = 5
)

func (g *Gateway) serveMux(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.calls++
	g.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != StatusMethod {
		writeRPCError(w, http.StatusNotFound, codeNotFound, "Not Found")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeRPCError(w, http.StatusBadRequest, codeInvalidArgument, err.Error())
		return
	}
	// An empty body is an empty request (the generated handlers ignore io.EOF).
	if len(body) > 0 {
		req := dynamicpb.NewMessage(g.desc.StatusRequest)
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, req); err != nil {
			writeRPCError(w, http.StatusBadRequest, codeInvalidArgument, err.Error())
			return
		}
	}
	out, err := (protojson.MarshalOptions{EmitUnpopulated: true}).Marshal(g.status(r).v2alpha1(g.desc))
	if err != nil {
		writeRPCError(w, http.StatusInternalServerError, 13, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func writeRPCError(w http.ResponseWriter, httpStatus, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "details": []any{}})
}

// Stats stands in for the explorer stats API's public port: GET /overview answers the network's
// totals (explorer-backend cmd/api; the module's check reads layers_count).
type Stats struct {
	mu    sync.Mutex
	calls int
}

// Calls is how many requests it answered.
func (s *Stats) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *Stats) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/overview" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"accounts_count": 10, "smeshers_count": 3, "layers_count": 1200, "rewards_count": 40,
		"rewards_sum": 4000, "transactions_count": 25, "num_units": 12,
	})
}
