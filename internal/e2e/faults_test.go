package e2e

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/gcsfault"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store/storetest"
)

var (
	soakRounds     = flag.Int("soak-rounds", 1, "rounds of create/update/destroy in TestProcessesThroughFaults (make soak raises it)")
	soakWorkspaces = flag.Int("soak-workspaces", 3, "terraform processes working at once in TestProcessesThroughFaults")
)

// emulator is fake-gcs-server behind the fault-injecting proxy.
type emulator struct {
	gcs   *storetest.FakeGCS
	proxy *gcsfault.Server
}

func startEmulator(t testing.TB, cfg gcsfault.Config) *emulator {
	t.Helper()
	gcs := storetest.StartFakeGCS(t, "sm-discovery")
	cfg.Upstream = gcs.URL()
	proxy, err := gcsfault.Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return &emulator{gcs: gcs, proxy: proxy}
}

// providerBlock configures the provider to reach the document through the proxy.
func (e *emulator) providerBlock(extra string) string {
	return fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/networks.json"
  # The tests count entries by the spec's key; the format itself is tested elsewhere.
  discovery_format = "mission"
  storage_endpoint = "%s/storage/v1/"
%s}
`, e.proxy.URL, extra)
}

func (e *emulator) document(t testing.TB) map[string]map[string]any {
	t.Helper()
	return documentState(t, e.gcs.Get(t, "sm-discovery", "networks.json"))
}

// entriesHCL renders one spacemesh_discovery_entry per net id, with a release
// that varies by version so that updates are real changes.
func entriesHCL(ids []int, version int) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strings.Replace(entryHCL(id, fmt.Sprintf("1.%d.0", 7+version)), `"net"`, fmt.Sprintf(`"n%d"`, id), 1))
	}
	return b.String()
}

// TestProcessesThroughFaults runs several terraform processes at once, each
// with its own state and entries, through GCS's one-mutation-per-second
// limit, injected 503s, dropped connections (before and after the write
// landed) and delays. After every round the document must hold exactly the
// expected entries, and the foreign one as it was.
func TestProcessesThroughFaults(t *testing.T) {
	faults := gcsfault.Config{
		MutationInterval: time.Second,
		// Some writes are held longer than the mutation interval, so that a
		// write based on a stale read would land rather than be refused with
		// a 429: only the generation precondition stops it.
		WriteFaults: gcsfault.Faults{FailRate: 0.1, DropBeforeRate: 0.05, DropAfterRate: 0.1, DelayRate: 0.3, Delay: 2500 * time.Millisecond},
		ReadFaults:  gcsfault.Faults{FailRate: 0.05, DropAfterRate: 0.05, DelayRate: 0.2, Delay: 100 * time.Millisecond},
		Seed:        7,
	}
	emu := startEmulator(t, faults)
	emu.gcs.Put("sm-discovery", "networks.json", []byte(foreign))
	foreignEntry := emu.document(t)["7"]

	const perWorkspace = 3
	ws := make([]*workspace, *soakWorkspaces)
	owned := make([][]int, len(ws)) // entries each workspace manages now
	for i := range ws {
		ws[i] = newWorkspace(t, fmt.Sprintf("ws-%d", i))
		for j := range perWorkspace {
			owned[i] = append(owned[i], 300+10*i+j)
		}
		ws[i].setConfig(emu.providerBlock("") + entriesHCL(owned[i], 0))
	}
	all(t, ws, "init", "init", "-no-color")

	rng := rand.New(rand.NewPCG(1, 2))
	operations := 0
	expect := func(stage string, version []int) {
		t.Helper()
		doc := emu.document(t)
		want := []string{"7"}
		for i, ids := range owned {
			for _, id := range ids {
				want = append(want, fmt.Sprint(id))
				if e := doc[fmt.Sprint(id)]; e != nil && e["latest-smapp-release"] != fmt.Sprintf("1.%d.0", 7+version[i]) {
					t.Fatalf("%s: entry %d has %v, want release 1.%d.0", stage, id, e["latest-smapp-release"], 7+version[i])
				}
			}
		}
		sort.Strings(want)
		if got := ids(doc); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: document has %v, want %v", stage, got, want)
		}
		if !reflect.DeepEqual(doc["7"], foreignEntry) {
			t.Fatalf("%s: the foreign entry changed: %v", stage, doc["7"])
		}
	}

	version := make([]int, len(ws))
	for round := 1; round <= *soakRounds; round++ {
		// Every workspace creates (or re-creates) its entries at once.
		all(t, ws, "apply", "apply", "-auto-approve", "-no-color")
		operations += len(ws) * perWorkspace
		expect(fmt.Sprintf("round %d after create", round), version)

		// Each workspace updates its entries and drops one of them.
		for i := range ws {
			version[i]++
			drop := rng.IntN(len(owned[i]))
			owned[i] = append(append([]int{}, owned[i][:drop]...), owned[i][drop+1:]...)
			ws[i].setConfig(emu.providerBlock("") + entriesHCL(owned[i], version[i]))
		}
		all(t, ws, "update and destroy", "apply", "-auto-approve", "-no-color")
		operations += len(ws) * perWorkspace
		expect(fmt.Sprintf("round %d after update", round), version)

		// Then destroys all of them.
		all(t, ws, "destroy", "destroy", "-auto-approve", "-no-color")
		operations += len(ws) * (perWorkspace - 1)
		for i := range owned {
			owned[i] = nil
		}
		expect(fmt.Sprintf("round %d after destroy", round), version)

		// Next round starts from the full set again.
		for i := range ws {
			for j := range perWorkspace {
				owned[i] = append(owned[i], 300+10*i+j)
			}
			ws[i].setConfig(emu.providerBlock("") + entriesHCL(owned[i], version[i]))
		}
	}
	st := emu.proxy.Stats()
	t.Logf("soak: %d rounds, %d workspaces, %d entry operations; requests %d, writes %d (landed %d), 429s %d, injected 503s %d, dropped before %d, dropped after %d, delayed %d; entries lost 0",
		*soakRounds, len(ws), operations, st.Requests, st.Writes, st.WritesLanded, st.RateLimited, st.Injected503, st.DroppedBefore, st.DroppedAfter, st.Delayed)
	if st.RateLimited+st.Injected503+st.DroppedBefore+st.DroppedAfter == 0 {
		t.Fatalf("no fault was injected: the test proved nothing (stats %+v)", st.Counters)
	}
}
