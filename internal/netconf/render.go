package netconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
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
	b.WriteString("\nfix the config at its source: every node that runs it as it is exposes these services")
	return b.String()
}

func (e *UnsafeError) Unwrap() error { return ErrUnsafe }

// CheckSafe finds what in a network config exposes a node's private services.
// RenderAPINodeConfig repairs the API node's copy and reports each problem,
// since the published copy (the discovery entry's "conf") that every other
// node runs stays as it is. A config is unsafe, naming the key and value, when
// it
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
// of the wrong type is an error too: it cannot be judged. Keys are those Parse
// folded to lower case, as the node reads them: "API" is checked as "api".
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
		p, err := publicControlServices(v)
		if err != nil {
			return err
		}
		if p != nil {
			problems = append(problems, *p)
		}
	}
	if len(problems) > 0 {
		return &UnsafeError{Problems: problems}
	}
	return nil
}

// publicControlServices finds control services in the legacy public list.
func publicControlServices(list any) (*Problem, error) {
	svcs, err := stringList(keyAPI+"."+keyPublicServices, list)
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, s := range svcs {
		if slices.Contains(controlServices, s) {
			bad = append(bad, strconv.Quote(s))
		}
	}
	if len(bad) == 0 {
		return nil, nil
	}
	return &Problem{
		Key:   keyAPI + "." + keyPublicServices,
		Value: "[" + strings.Join(bad, ", ") + "]",
		Why:   "these services control the node or its identity and must never be public; list them in " + keyPrivateServices,
	}, nil
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

// RenderOptions choose the API node's listeners and the release it runs.
type RenderOptions struct {
	// NodeVersion is the go-spacemesh release that runs the config (see
	// NodeVersion): the rendered config holds only keys it knows.
	NodeVersion *semver.Version
	// GRPCPort and JSONPort are the node's public gRPC and JSON listeners'
	// ports, on 0.0.0.0; 0 means DefaultNodeGRPCPort / DefaultNodeJSONPort.
	// They are the node's own ports: the ingress serves both on 443.
	GRPCPort int
	JSONPort int
	// CORSOrigins are added to api.grpc-cors-allowed-origins: the explorer
	// and dashboard frontends call the JSON gateway from the browser.
	CORSOrigins []string
}

// Change is one value of the network config that the API node's copy holds
// differently, and why.
type Change struct {
	Key  string // e.g. "api.grpc-private-listener"
	From string // as written in the network config (JSON)
	To   string // as rendered (JSON), or "(removed)"
	Why  string
}

func (c Change) String() string { return fmt.Sprintf("%s: %s -> %s (%s)", c.Key, c.From, c.To, c.Why) }

// Rendered is the API node's config and what was changed to make it.
type Rendered struct {
	JSON []byte
	// Repairs are values of the published config that were unsafe for a
	// public node (private services exposed, smeshing on): the operator must
	// hear of them, since every other node of the network runs them as they
	// are.
	Repairs []Change
	// Dropped are keys the node release does not know (go-spacemesh >= 1.4
	// refuses to start on an unknown key).
	Dropped []Change
	// Notes are limits of the release worth a warning.
	Notes []string
}

// removed marks a key taken out of the rendered config.
const removed = "(removed)"

// RenderAPINodeConfig renders the config the public API node runs with: the
// network config with every key it does not concern kept, and
//
//   - api.grpc-public-listener = 0.0.0.0:<GRPCPort>, api.grpc-json-listener =
//     0.0.0.0:<JSONPort> (the JSON gateway only ever serves public services:
//     go-spacemesh node/node.go registers the public services on it);
//   - api.grpc-private-listener and api.grpc-post-listener on loopback: kept
//     when the config has them there, else the node's defaults written out; a
//     config that puts them elsewhere is repaired (a Repair);
//   - the TLS listener off (api.grpc-tls-listener "", api.grpc-tls-services
//     []): it exists for remote PoST, which a node that never smeshes has no
//     use for;
//   - api.grpc-cors-allowed-origins = the config's origins plus CORSOrigins;
//   - smeshing.smeshing-start false and no smeshing.smeshing-coinbase: the API
//     node holds no identity and never smeshes;
//   - in legacy configs that still list services, every private service
//     (admin, smesher, post, postInfo, debug) moved from
//     api.grpc-public-services to api.grpc-private-services;
//   - only keys NodeVersion knows, from the table in versions.go.
//
// Only what cannot be judged is refused: a value of the wrong type, an
// address that does not parse, ports that collide. The output is indented
// JSON with sorted keys, so equal inputs give equal bytes.
func RenderAPINodeConfig(c *Config, opts RenderOptions) (*Rendered, error) {
	if opts.NodeVersion == nil {
		return nil, errors.New("the node release that runs the config is not known")
	}
	repairs, err := unsafeValues(c)
	if err != nil {
		return nil, err
	}
	grpcPort, jsonPort, err := nodePorts(opts)
	if err != nil {
		return nil, err
	}
	v := releaseOnly(opts.NodeVersion)
	tree := deepCopyObject(c.Tree)
	api := object(tree, keyAPI)

	api[keyPublicListener] = net.JoinHostPort("0.0.0.0", strconv.Itoa(grpcPort))
	api[keyJSONListener] = net.JoinHostPort("0.0.0.0", strconv.Itoa(jsonPort))
	listenersOnLoopback(api, v, repairs)
	repairs = tlsOff(api, v, repairs)
	if err := checkPortsFree(api, grpcPort, jsonPort); err != nil {
		return nil, err
	}
	if knows(v, keyCORSOrigins) {
		origins, err := corsOrigins(api[keyCORSOrigins], opts.CORSOrigins)
		if err != nil {
			return nil, err
		}
		api[keyCORSOrigins] = origins
	}
	if err := movePrivateServices(api, repairs); err != nil {
		return nil, err
	}
	if repairs, err = smeshingOff(tree, repairs); err != nil {
		return nil, err
	}

	// What is left that the release does not know came from the network
	// config itself.
	r := &Rendered{Repairs: repairs, Dropped: dropUnknownAPIKeys(api, v)}
	if !knows(v, keyCORSOrigins) {
		r.Notes = append(r.Notes, fmt.Sprintf("go-spacemesh %s has no %s.%s (it exists from v1.6.0): browsers on the explorer and dashboard origins cannot call this node's JSON API unless the ingress answers CORS itself", v, keyAPI, keyCORSOrigins))
	}
	if err := checkRendered(tree); err != nil {
		// Unreachable unless this function has a bug; never hand it out.
		return nil, fmt.Errorf("internal error: rendered API node config is unsafe: %w", err)
	}
	if r.JSON, err = encodeSorted(tree); err != nil {
		return nil, err
	}
	return r, nil
}

// unsafeValues turns CheckSafe's findings into the repairs to make; a value
// that cannot be judged is an error.
func unsafeValues(c *Config) ([]Change, error) {
	var unsafe *UnsafeError
	err := CheckSafe(c)
	if !errors.As(err, &unsafe) {
		return nil, err
	}
	repairs := make([]Change, len(unsafe.Problems))
	for i, p := range unsafe.Problems {
		repairs[i] = Change{Key: p.Key, From: p.Value, Why: p.Why}
	}
	return repairs, nil
}

// nodePorts are the node's public listener ports, defaults applied.
func nodePorts(opts RenderOptions) (grpcPort, jsonPort int, err error) {
	if grpcPort, err = port(FieldAPINodeGRPCPort, opts.GRPCPort, DefaultNodeGRPCPort); err != nil {
		return 0, 0, err
	}
	if jsonPort, err = port(FieldAPINodeJSONPort, opts.JSONPort, DefaultNodeJSONPort); err != nil {
		return 0, 0, err
	}
	if grpcPort == jsonPort {
		return 0, 0, &FieldError{FieldAPINodeJSONPort, fmt.Sprintf("the JSON gateway and gRPC cannot share port %d", jsonPort)}
	}
	return grpcPort, jsonPort, nil
}

// listenersOnLoopback keeps the private and post listeners on loopback: the
// config's address when it is there, else the node's default.
func listenersOnLoopback(api map[string]any, v *semver.Version, repairs []Change) {
	for _, k := range []string{keyPrivateListener, keyPostListener} {
		if !knows(v, k) {
			continue
		}
		def := defaultPrivateListener
		if k == keyPostListener {
			def = defaultPostListener
		}
		addr, present := api[k].(string)
		if !present || addr == "" {
			api[k] = def
			continue
		}
		if lo, _ := isLoopback(addr); !lo { // CheckSafe has refused what does not parse
			api[k] = def
			fixRepair(repairs, keyAPI+"."+k, strconv.Quote(def))
		}
	}
}

// tlsOff switches the TLS listener off where the release has one.
func tlsOff(api map[string]any, v *semver.Version, repairs []Change) []Change {
	if knows(v, keyTLSListener) {
		if tl, _ := api[keyTLSListener].(string); tl != "" {
			repairs = append(repairs, Change{Key: keyAPI + "." + keyTLSListener, From: strconv.Quote(tl), To: `""`,
				Why: "the TLS listener serves post and postInfo to remote PoST services; a node that never smeshes has no use for it"})
		}
		api[keyTLSListener] = ""
	}
	if knows(v, keyTLSServices) {
		api[keyTLSServices] = []any{}
	}
	return repairs
}

// checkPortsFree: 0.0.0.0:p and 127.0.0.1:p cannot both be bound.
func checkPortsFree(api map[string]any, grpcPort, jsonPort int) error {
	for _, k := range []string{keyPrivateListener, keyPostListener} {
		addr, ok := api[k].(string)
		if !ok {
			continue
		}
		_, p, _ := net.SplitHostPort(addr)
		if p == strconv.Itoa(grpcPort) || p == strconv.Itoa(jsonPort) {
			return fmt.Errorf("%w: %s.%s = %q uses port %s, which the public listeners need; choose other node ports (api_node_grpc_port, api_node_json_port)",
				ErrInvalid, keyAPI, k, addr, p)
		}
	}
	return nil
}

// encodeSorted writes indented JSON with sorted keys, so equal inputs give
// equal bytes and the plan changes only when the config does.
func encodeSorted(tree map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tree); err != nil {
		return nil, fmt.Errorf("encoding API node config: %w", err)
	}
	return buf.Bytes(), nil
}

// fixRepair records what a repaired key now holds.
func fixRepair(repairs []Change, key, to string) {
	for i := range repairs {
		if repairs[i].Key == key {
			repairs[i].To = to
		}
	}
}

// movePrivateServices moves, in legacy configs that list services, every
// private service from the public list to the private one.
func movePrivateServices(api map[string]any, repairs []Change) error {
	v, ok := api[keyPublicServices]
	if !ok {
		return nil
	}
	pub, err := stringList(keyAPI+"."+keyPublicServices, v)
	if err != nil {
		return err
	}
	var priv []string
	if pv, ok := api[keyPrivateServices]; ok {
		if priv, err = stringList(keyAPI+"."+keyPrivateServices, pv); err != nil {
			return err
		}
	}
	keep := []any{}
	var kept []string
	for _, s := range pub {
		if slices.Contains(privateServices, s) {
			if !slices.Contains(priv, s) {
				priv = append(priv, s)
			}
			continue
		}
		keep = append(keep, s)
		kept = append(kept, strconv.Quote(s))
	}
	api[keyPublicServices] = keep
	privAny := make([]any, len(priv))
	for i, s := range priv {
		privAny[i] = s
	}
	api[keyPrivateServices] = privAny
	fixRepair(repairs, keyAPI+"."+keyPublicServices, "["+strings.Join(kept, ", ")+"]")
	return nil
}

// smeshingOff switches smeshing off: the API node holds no identity.
func smeshingOff(tree map[string]any, repairs []Change) ([]Change, error) {
	sm, ok := tree[keySmeshing].(map[string]any)
	if !ok {
		if v, present := tree[keySmeshing]; present {
			return nil, fmt.Errorf("%w: %s must be an object, got %s", ErrInvalid, keySmeshing, describe(v))
		}
		sm = map[string]any{}
		tree[keySmeshing] = sm
	}
	if start, _ := sm[keySmeshingStart].(bool); start {
		repairs = append(repairs, Change{Key: keySmeshing + "." + keySmeshingStart, From: "true", To: "false",
			Why: "the public API node holds no identity keys and never smeshes; smeshing belongs to the operator's own smesher service"})
	}
	if cb, ok := sm[keyCoinbase]; ok {
		repairs = append(repairs, Change{Key: keySmeshing + "." + keyCoinbase, From: describeJSON(cb), To: removed,
			Why: "a node that never smeshes has no coinbase"})
	}
	sm[keySmeshingStart] = false
	delete(sm, keyCoinbase)
	return repairs, nil
}

func describeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
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
		v, present := api[k]
		if !present && k == keyPostListener {
			continue // releases before v1.4.0 have no post listener
		}
		addr, _ := v.(string)
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

// deepCopyObject copies a JSON object and everything in it.
func deepCopyObject(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = deepCopy(e)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopyObject(x)
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
