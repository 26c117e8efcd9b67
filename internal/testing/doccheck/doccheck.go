// Package doccheck holds state checks of the discovery document a test's
// Terraform state describes: after each apply they read the document as an
// outside reader would (the GCS emulator or the file), and compare it with
// what the configuration asked for. Use them in a TestStep's
// ConfigStateChecks.
package doccheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/clientcontract"
)

// Reader returns the document as it is now; nil when it does not exist.
type Reader func() []byte

// check is a StateCheck of the document alone: the state only says when.
type check func() error

func (c check) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c()
}

// Func is a one-off check of a test, run where state checks run.
func Func(fn func() error) statecheck.StateCheck { return check(fn) }

// NetIDs checks the document's net ids, in document order, read under idKey
// ("net-id" or "netID"). No ids means an empty or absent document.
func NetIDs(read Reader, idKey string, want ...string) statecheck.StateCheck {
	return check(func() error {
		b := read()
		list, err := entries(b)
		if err != nil {
			return err
		}
		got := make([]string, 0, len(list))
		for _, e := range list {
			got = append(got, fmt.Sprint(e[idKey]))
		}
		if len(got) != 0 || len(want) != 0 {
			if !reflect.DeepEqual(got, want) {
				return fmt.Errorf("document net ids %v, want %v:\n%s", got, want, b)
			}
		}
		return nil
	})
}

// Kept checks that every entry of seed (a document) is in the document with
// the same meaning: entries the configuration does not manage are never
// changed.
func Kept(read Reader, seed []byte, idKey string) statecheck.StateCheck {
	return check(func() error {
		want, err := byID(seed, idKey)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		have, err := byID(read(), idKey)
		if err != nil {
			return err
		}
		for id, e := range want {
			if !reflect.DeepEqual(have[id], e) {
				return fmt.Errorf("foreign entry %s changed:\nwant %v\nhave %v", id, e, have[id])
			}
		}
		return nil
	})
}

// Entry checks members of the entry whose idKey is id. Numbers compare as
// json.Number, so want a json.Number for a numeric member.
func Entry(read Reader, idKey, id string, want map[string]any) statecheck.StateCheck {
	return check(func() error {
		all, err := byID(read(), idKey)
		if err != nil {
			return err
		}
		e, ok := all[id]
		if !ok {
			return fmt.Errorf("no entry %s in the document", id)
		}
		var wrong []string
		for k, w := range want {
			if !reflect.DeepEqual(e[k], w) {
				wrong = append(wrong, fmt.Sprintf("%s = %#v, want %#v", k, e[k], w))
			}
		}
		if len(wrong) > 0 {
			return fmt.Errorf("entry %s: %s", id, strings.Join(wrong, "; "))
		}
		return nil
	})
}

// Suffix checks that the document ends with want, byte for byte: how an
// entry is written, not only what it means.
func Suffix(read Reader, want string) statecheck.StateCheck {
	return check(func() error {
		if b := read(); !bytes.HasSuffix(b, []byte(want)) {
			return fmt.Errorf("the document does not end as expected:\n%s\nwant the end:\n%s", b, want)
		}
		return nil
	})
}

// Exactly checks that the document is want, byte for byte: a document the
// provider had to leave alone, or the empty list "[]\n" a last removal
// writes (never a deleted object).
func Exactly(read Reader, want []byte) statecheck.StateCheck {
	return check(func() error {
		if b := read(); !bytes.Equal(b, want) {
			return fmt.Errorf("the document is\n%s\nwant\n%s", b, want)
		}
		return nil
	})
}

// ClientContract checks that none of Spacemesh's released clients would
// refuse the document (internal/clientcontract: a JSON Schema per client).
func ClientContract(read Reader) statecheck.StateCheck {
	return check(func() error {
		b := read()
		vs, err := clientcontract.Check(b)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			lines := make([]string, len(vs))
			for i, v := range vs {
				lines[i] = v.String()
			}
			return fmt.Errorf("a client would refuse the document:\n%s\n%s", strings.Join(lines, "\n"), b)
		}
		return nil
	})
}

func entries(b []byte) ([]map[string]any, error) {
	if b == nil {
		return nil, nil
	}
	var list []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("document is not a JSON list: %v\n%s", err, b)
	}
	return list, nil
}

func byID(b []byte, idKey string) (map[string]map[string]any, error) {
	list, err := entries(b)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]any, len(list))
	for _, e := range list {
		out[fmt.Sprint(e[idKey])] = e
	}
	return out, nil
}
