package netconf

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"lukechampine.com/blake3"
)

// Keys of the node config this package reads. The names are go-spacemesh's
// mapstructure tags (config/config.go, config/genesis.go); p2p.network-id and
// main.layer-duration-sec only exist in configs of older node releases.
const (
	KeyPreset           = "preset"
	KeyNetworkID        = "p2p.network-id"
	KeyGenesisTime      = "genesis.genesis-time"
	KeyGenesisExtraData = "genesis.genesis-extra-data"
	KeyHRP              = "main.network-hrp"
	KeyLayerDuration    = "main.layer-duration"
	KeyLayerDurationSec = "main.layer-duration-sec"
	KeyLayersPerEpoch   = "main.layers-per-epoch"
	KeyLabelsPerUnit    = "post.post-labels-per-unit"
)

// maxExtraData is go-spacemesh's limit (GenesisConfig.Validate in
// config/genesis.go); a longer value never starts a node.
const maxExtraData = 255

// Identity is what a network is: the genesis, and what follows from it.
type Identity struct {
	// NetID is the network id: p2p.network-id for legacy configs, otherwise
	// the one the caller gave.
	NetID int64
	// NetIDFromConfig is true when the config carries the net id.
	NetIDFromConfig bool
	// GenesisTime is genesis.genesis-time; GenesisTimeRaw is the string as
	// written (Smapp hashes that, see SmappGenesisID).
	GenesisTime    time.Time
	GenesisTimeRaw string
	GenesisExtra   string
	// GenesisID is the node's genesis id, SmappGenesisID the one Smapp
	// computes and expects in the discovery document. They differ.
	GenesisID      string
	SmappGenesisID string
	HRP            string
	LayerDuration  time.Duration
	LayersPerEpoch int64
	// LabelsPerUnit is post.post-labels-per-unit: the explorer stats API and
	// the frontends compute space from it.
	LabelsPerUnit int64
	ConfigSHA256  string
}

// NetIDError is a problem with the net id: the caller's, or the config's
// disagreeing with it. Callers point it at their net id input.
type NetIDError struct{ Msg string }

func (e *NetIDError) Error() string { return e.Msg }

// nodeDefaults are the values a node uses for keys the config leaves out.
// A node starts from MainnetConfig (go-spacemesh node/node.go, config/mainnet.go)
// unless the config names a preset (config/presets/*.go), which replaces it.
type nodeDefaults struct {
	hrp            string
	layerDuration  time.Duration
	layersPerEpoch int64
	labelsPerUnit  int64 // PostConfig.LabelsPerUnit
}

var presetDefaults = map[string]nodeDefaults{
	"":           {"sm", 5 * time.Minute, 4032, 4294967296}, // config/mainnet.go
	"testnet":    {"stest", 5 * time.Minute, 288, 1024},     // config/presets/testnet.go (v1.3.0+)
	"fastnet":    {"stest", 15 * time.Second, 4, 128},       // config/presets/fastnet.go
	"standalone": {"standalone", 6 * time.Second, 10, 64},   // config/presets/standalone.go
}

// Identity derives the network identity. netID is the caller's net id, 0 if
// none was given; legacy configs carry one (p2p.network-id) and a given one
// must agree, current configs carry none and then netID is required.
// All problems found are returned together (errors.Join).
func (c *Config) Identity(netID int64) (*Identity, error) {
	id := &Identity{ConfigSHA256: c.SHA256()}
	var errs []error

	// Net id.
	cfgID, hasCfgID, err := c.lookupInt(KeyNetworkID)
	switch {
	case err != nil:
		errs = append(errs, err)
	case netID < 0:
		errs = append(errs, &NetIDError{fmt.Sprintf("net_id must be a positive integer, got %d", netID)})
	case hasCfgID && cfgID <= 0:
		errs = append(errs, fmt.Errorf("%w: %s must be a positive integer, got %d", ErrInvalid, KeyNetworkID, cfgID))
	case hasCfgID && netID != 0 && netID != cfgID:
		errs = append(errs, &NetIDError{fmt.Sprintf(
			"net_id %d disagrees with the config's %s %d: the config belongs to another network, or net_id is a typo",
			netID, KeyNetworkID, cfgID)})
	case hasCfgID:
		id.NetID, id.NetIDFromConfig = cfgID, true
	case netID == 0:
		errs = append(errs, &NetIDError{fmt.Sprintf(
			"net_id is required: the config has no %s (current go-spacemesh configs carry none), so the net id must be given",
			KeyNetworkID)})
	default:
		id.NetID = netID
	}

	// Genesis: both keys are required, and named when missing.
	var missing []string
	rawTime, hasTime, err := c.lookupString(KeyGenesisTime)
	switch {
	case err != nil:
		errs = append(errs, err)
	case !hasTime:
		missing = append(missing, KeyGenesisTime)
	default:
		t, perr := time.Parse(time.RFC3339, rawTime)
		if perr != nil {
			errs = append(errs, fmt.Errorf("%w: %s must be an RFC 3339 time such as \"2023-07-14T08:00:00Z\", got %q",
				ErrInvalid, KeyGenesisTime, rawTime))
		} else {
			id.GenesisTime, id.GenesisTimeRaw = t, rawTime
		}
	}
	extra, hasExtra, err := c.lookupString(KeyGenesisExtraData)
	switch {
	case err != nil:
		errs = append(errs, err)
	case !hasExtra:
		missing = append(missing, KeyGenesisExtraData)
	case extra == "":
		errs = append(errs, fmt.Errorf("%w: %s is empty (go-spacemesh refuses to start without it)", ErrInvalid, KeyGenesisExtraData))
	case len(extra) > maxExtraData:
		errs = append(errs, fmt.Errorf("%w: %s is %d bytes long, go-spacemesh allows at most %d",
			ErrInvalid, KeyGenesisExtraData, len(extra), maxExtraData))
	default:
		id.GenesisExtra = extra
	}
	if len(missing) > 0 {
		what := missing[0]
		if len(missing) == 2 {
			what = missing[0] + " and " + missing[1]
		}
		errs = append(errs, fmt.Errorf("%w: %s (the genesis section is what identifies a network)", ErrMissing, what))
	}
	if id.GenesisTimeRaw != "" && id.GenesisExtra != "" {
		id.GenesisID = GenesisID(id.GenesisTime, id.GenesisExtra)
		id.SmappGenesisID = SmappGenesisID(id.GenesisTimeRaw, id.GenesisExtra)
	}

	// Protocol parameters, with the node's defaults for absent keys.
	preset, _, err := c.lookupString(KeyPreset)
	if err != nil {
		errs = append(errs, err)
	}
	defs, knownPreset := presetDefaults[preset]
	noDefault := func(key string) error {
		return fmt.Errorf("%w: %s is not set and preset %q is not one whose defaults are known (testnet, fastnet, standalone); set %s explicitly",
			ErrMissing, key, preset, key)
	}

	hrp, hasHRP, err := c.lookupString(KeyHRP)
	switch {
	case err != nil:
		errs = append(errs, err)
	case hasHRP && hrp == "":
		errs = append(errs, fmt.Errorf("%w: %s is empty", ErrInvalid, KeyHRP))
	case hasHRP:
		id.HRP = hrp
	case knownPreset:
		id.HRP = defs.hrp
	default:
		errs = append(errs, noDefault(KeyHRP))
	}

	if d, err := c.layerDuration(); err != nil {
		errs = append(errs, err)
	} else if d > 0 {
		id.LayerDuration = d
	} else if knownPreset {
		id.LayerDuration = defs.layerDuration
	} else {
		errs = append(errs, noDefault(KeyLayerDuration))
	}

	lpe, hasLPE, err := c.lookupInt(KeyLayersPerEpoch)
	switch {
	case err != nil:
		errs = append(errs, err)
	case hasLPE && lpe <= 0:
		errs = append(errs, fmt.Errorf("%w: %s must be positive, got %d", ErrInvalid, KeyLayersPerEpoch, lpe))
	case hasLPE:
		id.LayersPerEpoch = lpe
	case knownPreset:
		id.LayersPerEpoch = defs.layersPerEpoch
	default:
		errs = append(errs, noDefault(KeyLayersPerEpoch))
	}

	lpu, hasLPU, err := c.lookupInt(KeyLabelsPerUnit)
	switch {
	case err != nil:
		errs = append(errs, err)
	case hasLPU && lpu <= 0:
		errs = append(errs, fmt.Errorf("%w: %s must be positive, got %d", ErrInvalid, KeyLabelsPerUnit, lpu))
	case hasLPU:
		id.LabelsPerUnit = lpu
	case knownPreset:
		id.LabelsPerUnit = defs.labelsPerUnit
	default:
		errs = append(errs, noDefault(KeyLabelsPerUnit))
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return id, nil
}

// layerDuration reads main.layer-duration (a Go duration string, as the node's
// mapstructure StringToTimeDurationHook takes it) or the legacy integer
// main.layer-duration-sec. 0 means neither is set.
func (c *Config) layerDuration() (time.Duration, error) {
	s, hasDur, err := c.lookupString(KeyLayerDuration)
	if err != nil {
		return 0, err
	}
	var d time.Duration
	if hasDur {
		d, err = time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%w: %s must be a positive Go duration such as \"5m\", got %q", ErrInvalid, KeyLayerDuration, s)
		}
	}
	sec, hasSec, err := c.lookupInt(KeyLayerDurationSec)
	if err != nil {
		return 0, err
	}
	if !hasSec {
		return d, nil
	}
	if sec <= 0 || sec > int64(24*time.Hour/time.Second) {
		return 0, fmt.Errorf("%w: %s must be a positive number of seconds, got %d", ErrInvalid, KeyLayerDurationSec, sec)
	}
	legacy := time.Duration(sec) * time.Second
	if hasDur && legacy != d {
		return 0, fmt.Errorf("%w: %s (%s) and %s (%d) disagree", ErrInvalid, KeyLayerDuration, s, KeyLayerDurationSec, sec)
	}
	return legacy, nil
}

// GenesisID is the node's genesis id: the first 20 bytes, hex, of
// blake3(decimal Unix seconds of the genesis time ++ extra data).
//
// Source: go-spacemesh config/genesis.go, GenesisConfig.GenesisID ->
// GoldenATX (hash.GetHasher is blake3, github.com/zeebo/blake3, in
// hash/hash.go; writes strconv.FormatInt(GenesisTime.Unix(), 10) then
// ExtraData) and types.Hash32.ToHash20 in common/types/hashes.go (first 20
// bytes). Mainnet gives 9eebff023abb17ccb775c602daade8ed708f0a50, the id
// published for it (see identity_test.go).
func GenesisID(genesisTime time.Time, extraData string) string {
	sum := blake3.Sum256([]byte(strconv.FormatInt(genesisTime.Unix(), 10) + extraData))
	return hex.EncodeToString(sum[:20])
}

// SmappGenesisID is the genesis id Smapp computes and matches discovery
// entries by: the first 20 bytes, hex, of blake3(genesis-time string exactly
// as written in the config ++ extra data). It differs from GenesisID because
// the time is hashed as text, not as Unix seconds.
//
// Source: smapp shared/utils.ts generateGenesisID
// (toHexString(hash(genesisTime + extraData)).substring(0, 40)), called from
// desktop/main/Networks.ts generateGenesisIDFromConfig with the config's
// genesis['genesis-time']; hash is blake3 (@spacemesh/sm-codec
// src/utils/hash.ts, @noble/hashes). Smapp's built-in mainnet entry
// (shared/constants.ts DEFAULT_NETWORKS_LIST) has genesisID
// 7c8cef2bfd54447d60c3ffcc5daf974b24b74605, which this reproduces.
func SmappGenesisID(genesisTimeAsWritten, extraData string) string {
	sum := blake3.Sum256([]byte(genesisTimeAsWritten + extraData))
	return hex.EncodeToString(sum[:20])
}
