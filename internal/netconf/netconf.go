// Package netconf reads a go-spacemesh node config (the JSON file a network
// publishes at its config URL) and derives what the provider needs from it:
// the network identity, the public service URLs and the config the API node
// runs with. It has no Terraform dependencies so that it can be tested alone.
//
// The config is kept as a generic JSON tree rather than a struct: the API-node
// config is re-rendered from it, and every key this package does not know must
// survive that round trip unchanged (numbers included, hence UseNumber).
package netconf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	return &Config{Tree: tree, Raw: data}, nil
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
