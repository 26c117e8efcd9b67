// Package netconf reads a go-spacemesh node config (the JSON file a network
// publishes at its config URL) and derives what the provider needs from it:
// the network identity, the public service URLs and the config the API node
// runs with. It has no Terraform dependencies so that it can be tested alone.
//
// The config is kept as a generic JSON tree rather than a struct: the API-node
// config is re-rendered from it, and every key this package does not know must
// survive that round trip as the node reads it (numbers included, hence
// UseNumber). Keys are read as go-spacemesh reads them: case-insensitively.
package netconf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/textpos"
)

// MaxConfigSize bounds a node config. Real configs are a few KiB (the genesis
// accounts of mainnet are the bulk); anything near this is not a node config.
const MaxConfigSize = 4 << 20

var (
	// ErrTooLarge: the input exceeds MaxConfigSize.
	ErrTooLarge = errors.New("node config too large")
	// ErrNotJSON: the input is not a single JSON object.
	ErrNotJSON = errors.New("node config is not JSON")
	// ErrMissing: a required key is absent. The error names the key.
	ErrMissing = errors.New("missing from node config")
	// ErrInvalid: a key holds a value of the wrong type or form.
	ErrInvalid = errors.New("invalid node config value")
	// ErrAmbiguousKey: two keys of one object differ only in case, which
	// makes them one key to the node. The error names both.
	ErrAmbiguousKey = errors.New("node config has one key spelled twice")
	// ErrUnsafe: see CheckSafe.
	ErrUnsafe = errors.New("node config is unsafe")
)

// Config is a parsed node config.
type Config struct {
	// Tree is the decoded document. Numbers are json.Number.
	Tree map[string]any
	// Raw is the input exactly as given (ConfigSHA256 hashes it).
	Raw []byte
}

// Parse decodes a node config. It accepts exactly one JSON object.
func Parse(data []byte) (*Config, error) {
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d bytes (%d MiB)",
			ErrTooLarge, len(data), MaxConfigSize, MaxConfigSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, notJSON(data, err)
	}
	// A second value after the object means the file is not one document
	// (e.g. two configs concatenated); the node would reject it too.
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		off := end // after the object; skip to what follows it
		for _, ch := range data[min(int(end), len(data)):] {
			if ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' {
				break
			}
			off++
		}
		line, col := textpos.LineCol(data, off)
		return nil, fmt.Errorf("%w: unexpected data after the top-level object at line %d, column %d (offset %d)",
			ErrNotJSON, line, col, off)
	}
	tree, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the top level must be an object, got %s", ErrNotJSON, describe(v))
	}
	folded, err := foldKeys(tree, "")
	if err != nil {
		return nil, err
	}
	return &Config{Tree: folded, Raw: data}, nil
}

// foldKeys lower-cases every object key under v, as go-spacemesh reads its
// config: node/node.go loadConfig (v1.7.6) loads the file with viper v1.19.0,
// whose ReadInConfig folds every key, nested ones and those of objects in
// arrays included (util.go insensitiviseMap), before mapstructure decodes
// it. So "API" is the node's "api", and this package checks and renders it
// as such. Two keys of one object that fold together are one key to the
// node, which keeps one of their values (the one Go's map iteration puts
// last: of "api" and "API" it runs "API"'s, of "Api" and "API" either) and
// merges nothing: such a config cannot be judged, and is refused.
func foldKeys(obj map[string]any, path string) (map[string]any, error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]any, len(obj))
	spelled := make(map[string]string, len(obj))
	for _, k := range keys {
		low := strings.ToLower(k)
		if first, dup := spelled[low]; dup {
			where := "at the top level"
			if path != "" {
				where = "in " + path
			}
			return nil, fmt.Errorf("%w: %q and %q %s are one key to go-spacemesh, which reads its config's keys case-insensitively and keeps only one of the two values, so which one a node runs is not defined: keep one spelling (the node's own is %q)",
				ErrAmbiguousKey, first, k, where, low)
		}
		spelled[low] = k
		e, err := foldValue(obj[k], joinPath(path, strconv.Quote(k)))
		if err != nil {
			return nil, err
		}
		out[low] = e
	}
	return out, nil
}

// foldValue folds the keys of the objects in v.
func foldValue(v any, path string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		return foldKeys(x, path)
	case []any:
		for i, e := range x {
			f, err := foldValue(e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			x[i] = f
		}
	}
	return v, nil
}

func joinPath(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "." + elem
}

func notJSON(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// Offset counts the bytes read, the offending one included.
		line, col := textpos.LineCol(data, max(syn.Offset-1, 0))
		return fmt.Errorf("%w: %v at line %d, column %d (offset %d)", ErrNotJSON, syn, line, col, syn.Offset)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the input is empty", ErrNotJSON)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: the input ends in the middle of a value (truncated?)", ErrNotJSON)
	}
	return fmt.Errorf("%w: %v", ErrNotJSON, err)
}

// SHA256 is the hex sha256 of the raw bytes: what changes when the document
// at the config URL changes in any way.
func (c *Config) SHA256() string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// lookup walks a dotted path ("genesis.genesis-time"). found is false when
// any element is absent; an intermediate element that is not an object is an
// ErrInvalid naming it.
func (c *Config) lookup(key string) (v any, found bool, err error) {
	parts := strings.Split(key, ".")
	var cur any = c.Tree
	for i, p := range parts {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false, fmt.Errorf("%w: %s must be an object, got %s",
				ErrInvalid, strings.Join(parts[:i], "."), describe(cur))
		}
		cur, ok = obj[p]
		if !ok {
			return nil, false, nil
		}
	}
	return cur, true, nil
}

// lookupString returns a string value; absent is ("", false, nil).
func (c *Config) lookupString(key string) (string, bool, error) {
	v, found, err := c.lookup(key)
	if err != nil || !found {
		return "", found, err
	}
	s, ok := v.(string)
	if !ok {
		return "", true, fmt.Errorf("%w: %s must be a string, got %s", ErrInvalid, key, describe(v))
	}
	return s, true, nil
}

// lookupInt returns an integer value; absent is (0, false, nil).
func (c *Config) lookupInt(key string) (int64, bool, error) {
	v, found, err := c.lookup(key)
	if err != nil || !found {
		return 0, found, err
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, true, fmt.Errorf("%w: %s must be an integer, got %s", ErrInvalid, key, describe(v))
	}
	i, err := n.Int64()
	if err != nil {
		return 0, true, fmt.Errorf("%w: %s must be an integer, got %s", ErrInvalid, key, n)
	}
	return i, true, nil
}

// describe names a JSON value for an error message without dumping it whole.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 64 {
			x = x[:64] + "..."
		}
		return fmt.Sprintf("string %q", x)
	case json.Number:
		return "number " + string(x)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case []any:
		return fmt.Sprintf("an array of %d elements", len(x))
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
