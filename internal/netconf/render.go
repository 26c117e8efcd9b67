package netconf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// API keys, all under "api" (go-spacemesh api/grpcserver/config.go, the
// mapstructure tags of grpcserver.Config). The *-services lists were removed
// from the node in v1.3 (go-spacemesh #5276, "Remove option to configure
// services per endpoint"); only legacy configs carry them.
const (
	keyAPI             = "api"
	keyPublicListener  = "grpc-public-listener"
	keyPrivateListener = "grpc-private-listener"
	keyPostListener    = "grpc-post-listener"
	keyTLSListener     = "grpc-tls-listener"
	keyTLSServices     = "grpc-tls-services"
	keyJSONListener    = "grpc-json-listener"
	keyCORSOrigins     = "grpc-cors-allowed-origins"
	keyPublicServices  = "grpc-public-services"
	keyPrivateServices = "grpc-private-services"

	keySmeshing      = "smeshing"
	keySmeshingStart = "smeshing-start"
	keyCoinbase      = "smeshing-coinbase"
)

// The node's defaults for the listeners this package pins
// (grpcserver.DefaultConfig).
const (
	defaultPrivateListener = "127.0.0.1:9093"
	defaultPostListener    = "127.0.0.1:0"
)

// controlServices control a node or act for its identity: anyone who reaches
// them can stop the node, change what it smeshes and for whom, or read and
// drive its PoST. (Service names from grpcserver's Service constants.)
var controlServices = []string{"admin", "smesher", "post", "postInfo"}

// privateServices are what the API node keeps off its public listener: the
// control services and debug. debug is harmless for a network config (older
// nodes had it public by default) but only the explorer collector's node needs
// it, so the public API node does not serve it.
var privateServices = append(slices.Clone(controlServices), "debug")

// Problem is one reason a config is unsafe.
type Problem struct {
	Key   string // e.g. "api.grpc-private-listener"
	Value string // the offending value as written
	Why   string
}

// UnsafeError lists every Problem CheckSafe found. errors.Is(err, ErrUnsafe).
type UnsafeError struct{ Problems []Problem }

func (e *UnsafeError) Error() string {
	var b strings.Builder
	b.WriteString("node config is unsafe: it would expose a node's private services to the network, and it is the config every node of the network runs:")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  - %s = %s: %s", p.Key, p.Value, p.Why)
	}
	b.WriteString("\nfix the config at its source; this provider does not publish or run it as it is")
	return b.String()
}

func (e *UnsafeError) Unwrap() error { return ErrUnsafe }

// CheckSafe refuses a network config that exposes a node's private services.
//
// The rule: the network config is not just input for the API node; it is
// published (the discovery entry's "conf") and every node of the network runs
// it. RenderAPINodeConfig could repair the API node's copy, but not the
// copies everybody else downloads, and repairing ours silently would hide the
// problem from the operator, who can fix it at the source. So a config is
// refused, naming the key and value, when it
//
//   - puts api.grpc-private-listener (admin, smesher, ...) or
//     api.grpc-post-listener (unauthenticated post, postInfo) on an address
//     that is not loopback (0.0.0.0, ":9093", a public IP, a host name other
//     than localhost);
//   - lists a control service (admin, smesher, post, postInfo) in the legacy
//     api.grpc-public-services, which the public listener serves to anyone.
//
// What a node does with its public listener, the JSON gateway (public
// services only) and the TLS listener (mutual TLS, meant for remote PoST) is
// not refused; RenderAPINodeConfig decides those for the API node. A value
// of the wrong type is an error too: it cannot be judged.
func CheckSafe(c *Config) error {
	api, found, err := c.lookup(keyAPI)
	if err != nil {
		return err
	}
	if !found {
		return nil // the node's defaults are safe
	}
	obj, ok := api.(map[string]any)
	if !ok {
		return fmt.Errorf("%w: %s must be an object, got %s", ErrInvalid, keyAPI, describe(api))
	}
	var problems []Problem
	for _, k := range []string{keyPrivateListener, keyPostListener} {
		v, ok := obj[k]
		if !ok {
			continue
		}
		addr, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: %s.%s must be a \"host:port\" string, got %s", ErrInvalid, keyAPI, k, describe(v))
		}
		if addr == "" && k == keyPostListener {
			continue // "" switches the post listener off
		}
		lo, err := isLoopback(addr)
		if err != nil {
			return fmt.Errorf("%w: %s.%s: %v", ErrInvalid, keyAPI, k, err)
		}
		if !lo {
			why := "the private listener serves admin and smesher (control of the node and its identity) and must listen on loopback, e.g. " + defaultPrivateListener
			if k == keyPostListener {
				why = "the post listener serves post and postInfo without authentication and must listen on loopback, e.g. " + defaultPostListener
			}
			problems = append(problems, Problem{Key: keyAPI + "." + k, Value: strconv.Quote(addr), Why: why})
		}
	}
	if v, ok := obj[keyPublicServices]; ok {
		svcs, err := stringList(keyAPI+"."+keyPublicServices, v)
		if err != nil {
			return err
		}
		var bad []string
		for _, s := range svcs {
			if slices.Contains(controlServices, s) {
				bad = append(bad, strconv.Quote(s))
			}
		}
		if len(bad) > 0 {
			problems = append(problems, Problem{
				Key:   keyAPI + "." + keyPublicServices,
				Value: "[" + strings.Join(bad, ", ") + "]",
				Why:   "these services control the node or its identity and must never be public; list them in " + keyPrivateServices,
			})
		}
	}
	if len(problems) > 0 {
		return &UnsafeError{Problems: problems}
	}
	return nil
}

// isLoopback tells whether a "host:port" listen address is reachable only
// from the machine itself. An empty host means every interface.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("%q is not a \"host:port\" listen address", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

func stringList(key string, v any) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s must be a list of strings, got %s", ErrInvalid, key, describe(v))
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%w: %s must be a list of strings, has %s", ErrInvalid, key, describe(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// RenderOptions choose the API node's public listeners.
type RenderOptions struct {
	// GRPCPort and JSONPort are the public gRPC and JSON listeners' ports,
	// on 0.0.0.0; 0 means DefaultAPIGRPCPort / DefaultAPIJSONPort.
	GRPCPort int
	JSONPort int
	// CORSOrigins are added to api.grpc-cors-allowed-origins: the explorer
	// and dashboard frontends call the JSON gateway from the browser
	// (Services.Origins).
	CORSOrigins []string
}

// RenderAPINodeConfig renders the config the public API node runs with: the
// network config (CheckSafe must pass) with every unknown key kept, and
//
//   - api.grpc-public-listener = 0.0.0.0:<GRPCPort>, api.grpc-json-listener =
//     0.0.0.0:<JSONPort> (the JSON gateway only ever serves public services);
//   - api.grpc-private-listener and api.grpc-post-listener on loopback: kept
//     when the config has them there, else the node's defaults written out;
//   - the TLS listener off (api.grpc-tls-listener "", api.grpc-tls-services
//     []): it exists for remote PoST, which a node that never smeshes has no
//     use for, and older nodes defaulted it to 0.0.0.0:9094;
//   - api.grpc-cors-allowed-origins = the config's origins plus CORSOrigins;
//   - smeshing.smeshing-start false and no smeshing.smeshing-coinbase: the API
//     node holds no identity and never smeshes;
//   - in legacy configs that still list services, every private service
//     (admin, smesher, post, postInfo, debug) moved from
//     api.grpc-public-services to api.grpc-private-services.
//
// The output is indented JSON with sorted keys, so equal inputs give equal
// bytes and the Terraform plan only changes when the config does.
func RenderAPINodeConfig(c *Config, opts RenderOptions) ([]byte, error) {
	if err := CheckSafe(c); err != nil {
		return nil, err
	}
	grpcPort, err := port(FieldAPIGRPCPort, opts.GRPCPort, DefaultAPIGRPCPort)
	if err != nil {
		return nil, err
	}
	jsonPort, err := port(FieldAPIJSONPort, opts.JSONPort, DefaultAPIJSONPort)
	if err != nil {
		return nil, err
	}
	if grpcPort == jsonPort {
		return nil, &FieldError{FieldAPIJSONPort, fmt.Sprintf("the JSON gateway and gRPC cannot share port %d", jsonPort)}
	}

	tree := deepCopy(c.Tree).(map[string]any)
	api := object(tree, keyAPI)

	api[keyPublicListener] = net.JoinHostPort("0.0.0.0", strconv.Itoa(grpcPort))
	api[keyJSONListener] = net.JoinHostPort("0.0.0.0", strconv.Itoa(jsonPort))
	if _, ok := api[keyPrivateListener]; !ok {
		api[keyPrivateListener] = defaultPrivateListener
	}
	if v, _ := api[keyPostListener].(string); v == "" {
		api[keyPostListener] = defaultPostListener
	}
	api[keyTLSListener] = ""
	api[keyTLSServices] = []any{}
	// 0.0.0.0:p and 127.0.0.1:p cannot both be bound.
	for _, k := range []string{keyPrivateListener, keyPostListener} {
		_, p, _ := net.SplitHostPort(api[k].(string))
		if p == strconv.Itoa(grpcPort) || p == strconv.Itoa(jsonPort) {
			return nil, fmt.Errorf("%w: %s.%s = %q uses port %s, which the public listeners need; choose other public ports",
				ErrInvalid, keyAPI, k, api[k], p)
		}
	}

	origins, err := corsOrigins(api[keyCORSOrigins], opts.CORSOrigins)
	if err != nil {
		return nil, err
	}
	api[keyCORSOrigins] = origins

	if v, ok := api[keyPublicServices]; ok {
		pub, err := stringList(keyAPI+"."+keyPublicServices, v)
		if err != nil {
			return nil, err
		}
		var priv []string
		if pv, ok := api[keyPrivateServices]; ok {
			if priv, err = stringList(keyAPI+"."+keyPrivateServices, pv); err != nil {
				return nil, err
			}
		}
		var keep []any
		for _, s := range pub {
			if slices.Contains(privateServices, s) {
				if !slices.Contains(priv, s) {
					priv = append(priv, s)
				}
				continue
			}
			keep = append(keep, s)
		}
		if keep == nil {
			keep = []any{}
		}
		api[keyPublicServices] = keep
		privAny := make([]any, len(priv))
		for i, s := range priv {
			privAny[i] = s
		}
		api[keyPrivateServices] = privAny
	}

	sm, ok := tree[keySmeshing].(map[string]any)
	if !ok {
		if v, present := tree[keySmeshing]; present {
			return nil, fmt.Errorf("%w: %s must be an object, got %s", ErrInvalid, keySmeshing, describe(v))
		}
		sm = map[string]any{}
		tree[keySmeshing] = sm
	}
	sm[keySmeshingStart] = false
	delete(sm, keyCoinbase)

	if err := checkRendered(tree); err != nil {
		// Unreachable unless this function has a bug; never hand it out.
		return nil, fmt.Errorf("internal error: rendered API node config is unsafe: %w", err)
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tree); err != nil {
		return nil, fmt.Errorf("encoding API node config: %w", err)
	}
	return buf.Bytes(), nil
}

// object returns tree[key] as an object, creating it when absent. CheckSafe
// has already refused a non-object "api".
func object(tree map[string]any, key string) map[string]any {
	if m, ok := tree[key].(map[string]any); ok {
		return m
	}
	m := map[string]any{}
	tree[key] = m
	return m
}

func corsOrigins(existing any, add []string) ([]any, error) {
	var have []string
	if existing != nil {
		var err error
		if have, err = stringList(keyAPI+"."+keyCORSOrigins, existing); err != nil {
			return nil, err
		}
	}
	out := []any{}
	seen := map[string]bool{}
	for _, o := range append(have, add...) {
		// The node's default is [""], which allows nothing; drop it.
		if o == "" || seen[o] {
			continue
		}
		seen[o] = true
		out = append(out, o)
	}
	return out, nil
}

// checkRendered is the invariant every rendered config must meet: no private
// listener off loopback, no private service on a public list, the TLS
// listener off and no smeshing. Tests run it over every rendered config.
func checkRendered(tree map[string]any) error {
	api, _ := tree[keyAPI].(map[string]any)
	if api == nil {
		return fmt.Errorf("no api section")
	}
	for _, k := range []string{keyPrivateListener, keyPostListener} {
		addr, _ := api[k].(string)
		if lo, err := isLoopback(addr); err != nil || !lo {
			return fmt.Errorf("%s.%s = %q is not loopback", keyAPI, k, addr)
		}
	}
	if tl, _ := api[keyTLSListener].(string); tl != "" {
		return fmt.Errorf("%s.%s = %q, want off", keyAPI, keyTLSListener, tl)
	}
	if ts, _ := api[keyTLSServices].([]any); len(ts) != 0 {
		return fmt.Errorf("%s.%s is not empty", keyAPI, keyTLSServices)
	}
	if pub, ok := api[keyPublicServices].([]any); ok {
		for _, s := range pub {
			if str, _ := s.(string); slices.Contains(privateServices, str) {
				return fmt.Errorf("%s.%s lists private service %q", keyAPI, keyPublicServices, str)
			}
		}
	}
	sm, _ := tree[keySmeshing].(map[string]any)
	if start, _ := sm[keySmeshingStart].(bool); start || sm == nil {
		return fmt.Errorf("smeshing is not switched off")
	}
	if _, ok := sm[keyCoinbase]; ok {
		return fmt.Errorf("%s.%s is set", keySmeshing, keyCoinbase)
	}
	return nil
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	default:
		return v
	}
}
