package netconf

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
)

// readAsTheNode lower-cases every key of a rendered config, as go-spacemesh
// does when it loads one (node/node.go loadConfig at v1.7.6 reads the file
// with viper v1.19.0, whose ReadInConfig folds every key through
// insensitiviseMap in util.go). Two keys that fold together make the
// output ambiguous, which is a failure here.
func readAsTheNode(t *testing.T, name string, v any) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			low := strings.ToLower(k)
			if _, dup := out[low]; dup {
				t.Errorf("%s: the rendered config has two spellings of %q", name, low)
			}
			out[low] = readAsTheNode(t, name, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = readAsTheNode(t, name, e)
		}
		return out
	}
	return v
}

// "API" and "Smeshing" are the node's "api" and "smeshing": a config that
// spells them so is judged and repaired as the node will read it.
func TestCaseVariantSectionsAreJudgedAsTheNodeReadsThem(t *testing.T) {
	data := []byte(`{
	  "API": {"GRPC-Private-Listener": "0.0.0.0:9093", "Grpc-Public-Services": ["node", "admin", "smesher"]},
	  "Smeshing": {"Smeshing-Start": true, "Smeshing-Coinbase": "sm1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"}
	}`)
	c := mustParse(t, data)
	var ue *UnsafeError
	if err := CheckSafe(c); !errors.As(err, &ue) {
		t.Fatalf("CheckSafe = %v, want the private listener on 0.0.0.0 and admin, smesher public", err)
	}
	var keys []string
	for _, p := range ue.Problems {
		keys = append(keys, p.Key+" = "+p.Value)
	}
	if want := `[api.grpc-private-listener = "0.0.0.0:9093" api.grpc-public-services = ["admin", "smesher"]]`; fmt.Sprint(keys) != want {
		t.Errorf("problems = %v, want %s", keys, want)
	}
	for _, v := range []*semver.Version{v12, v176} {
		name := "go-spacemesh " + v.String()
		r, err := RenderAPINodeConfig(c, RenderOptions{NodeVersion: v})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		node := readAsTheNode(t, name, decodeRendered(t, r.JSON))
		folded, _ := json.Marshal(node)
		assertSafeOutput(t, name, folded)
		var repaired []string
		for _, ch := range r.Repairs {
			repaired = append(repaired, ch.Key)
		}
		for _, k := range []string{"api.grpc-private-listener", "smeshing.smeshing-start", "smeshing.smeshing-coinbase"} {
			if !strings.Contains(fmt.Sprint(repaired), k) {
				t.Errorf("%s: %s was not reported as repaired: %v", name, k, repaired)
			}
		}
	}
}

// Two spellings of one key are one key to the node, which keeps only one of
// the values, chosen by Go's map iteration (viper's insensitiviseMap merges
// nothing: of "api" and "API" the node runs "API"'s, of "Api" and "API"
// either). Such a config cannot be judged: it is refused, naming both.
func TestCaseVariantDuplicateKeysAreRefused(t *testing.T) {
	for _, tt := range []struct {
		data string
		want []string
	}{
		{`{"api":{"grpc-private-listener":"127.0.0.1:9093"},"API":{"grpc-private-listener":"0.0.0.0:9093"}}`, []string{`"API"`, `"api"`}},
		{`{"api":{"grpc-private-listener":"127.0.0.1:9093","GRPC-Private-Listener":"0.0.0.0:9093"}}`, []string{`"GRPC-Private-Listener"`, `"grpc-private-listener"`, `in "api"`}},
		{`{"smeshing":{"smeshing-start":false},"Smeshing":{"smeshing-start":true}}`, []string{`"Smeshing"`, `"smeshing"`}},
		{`{"genesis":{"accounts":[{"Key":1,"KEY":2}]}}`, []string{`"KEY"`, `"Key"`, `in "genesis"."accounts"[0]`}},
	} {
		_, err := Parse([]byte(tt.data))
		if !errors.Is(err, ErrAmbiguousKey) {
			t.Errorf("Parse(%s) = %v, want ErrAmbiguousKey", tt.data, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Parse(%s): %q does not name %s", tt.data, err, w)
			}
		}
	}
}
