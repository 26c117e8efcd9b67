package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/doccheck"
)

// afterDestroy runs checks of the document as a CheckDestroy, which takes a
// TestCheckFunc: the document outlives the state.
func afterDestroy(checks ...statecheck.StateCheck) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var errs []error
		for _, c := range checks {
			var resp statecheck.CheckStateResponse
			c.CheckState(context.Background(), statecheck.CheckStateRequest{}, &resp)
			errs = append(errs, resp.Error)
		}
		return errors.Join(errs...)
	}
}

// notInState checks that secret appears nowhere in the state.
func notInState(secret string) statecheck.StateCheck { return notInStateCheck(secret) }

type notInStateCheck string

func (secret notInStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	switch {
	case err != nil:
		resp.Error = err
	case strings.Contains(string(b), string(secret)):
		resp.Error = errors.New("a secret is in the state")
	}
}

// checkNow runs checks of the document outside the test steps: after a test
// whose steps fail on purpose, the state is empty, and terraform-plugin-testing
// runs no CheckDestroy on an empty state.
func checkNow(t *testing.T, checks ...statecheck.StateCheck) {
	t.Helper()
	if err := afterDestroy(checks...)(nil); err != nil {
		t.Error(err)
	}
}

// readFile reads a file document; nil when it does not exist.
func readFile(path string) doccheck.Reader {
	return func() []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		return b
	}
}

// decodesAs checks a string attribute that holds a discovery document.
func decodesAs(f discovery.Format) knownvalue.Check { return decodesAsCheck{f} }

type decodesAsCheck struct{ format discovery.Format }

func (c decodesAsCheck) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string holding a %s document, got %T", c.format, v)
	}
	_, err := discovery.Decode([]byte(s), c.format)
	return err
}

func (c decodesAsCheck) String() string { return "a " + string(c.format) + " discovery document" }

// jsonHas checks a string attribute that holds a JSON object: each key of
// want is a dotted path into it, its value what fmt prints for the wanted one
// (nil: absent).
func jsonHas(want map[string]any) knownvalue.Check { return jsonHasCheck(want) }

type jsonHasCheck map[string]any

func (want jsonHasCheck) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string holding JSON, got %T", v)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	for k, w := range want {
		var cur any = m
		for _, p := range strings.Split(k, ".") {
			obj, _ := cur.(map[string]any)
			cur = obj[p]
		}
		if fmt.Sprint(cur) != fmt.Sprint(w) {
			return fmt.Errorf("%s = %v, want %v", k, cur, w)
		}
	}
	return nil
}

func (want jsonHasCheck) String() string { return fmt.Sprintf("JSON with %v", map[string]any(want)) }
