package netconf

import (
	"encoding/json"
	"fmt"
)

// SmappConfigGaps lists what Smapp's isNetConfig guard (smapp
// shared/types/guards.ts) would miss in the config at the entry's conf URL.
// Smapp applies it to the config it caches as its offline fallback
// (desktop/main/fallbackConfigs.ts); a config that fails it works online but
// leaves wallets without a fallback when the URL is unreachable. The node
// itself fills these keys from its preset, Smapp does not.
func SmappConfigGaps(c *Config) []string {
	var gaps []string
	nonEmptyString := func(key string) {
		if s, ok, err := c.lookupString(key); err != nil || !ok || s == "" {
			gaps = append(gaps, fmt.Sprintf("%s (a non-empty string)", key))
		}
	}
	positive := func(key string) {
		v, ok, _ := c.lookup(key)
		n, isNum := v.(json.Number)
		if !ok || !isNum {
			gaps = append(gaps, fmt.Sprintf("%s (a number above 0)", key))
			return
		}
		if f, err := n.Float64(); err != nil || f <= 0 {
			gaps = append(gaps, fmt.Sprintf("%s (a number above 0)", key))
		}
	}
	nonEmptyString(KeyLayerDuration)
	positive(KeyLayersPerEpoch)
	positive(KeyLabelsPerUnit)
	positive("post.post-max-numunits")
	nonEmptyString("poet.cycle-gap")
	nonEmptyString(KeyGenesisTime)
	nonEmptyString(KeyGenesisExtraData)
	return gaps
}
