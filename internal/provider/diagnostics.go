package provider

import (
	"fmt"
	"strings"
)

// Diagnostics speak in one voice, and their summaries live here. A summary is
// a few words in sentence case, without values and without a final period:
// "Invalid <what>" for a value that is wrong, "Missing <what>" for one that is
// needed and absent, "Could not <do what>" for an operation that failed, and
// a plain statement for a warning. <what> is in words ("net id"), not an
// attribute name. The detail says what was expected, what was given and
// what to do; it does not start with the attribute path, which Terraform
// shows beside the configuration line.
const (
	summaryInvalidURL          = "Invalid URL"
	summaryViewsNotWritten     = "Network views not rewritten"
	summaryInvalidDocumentURL  = "Invalid discovery URL"
	summaryInvalidRelease      = "Invalid release"
	summaryInvalidReleaseOrder = "Invalid release order"
	summaryInvalidDomain       = "Invalid domain"
	summaryInvalidDuration     = "Invalid duration"
	summaryInvalidHostPattern  = "Invalid host pattern"
	summaryInvalidNodeConfig   = "Invalid node config"
	summaryInvalidNodeRelease  = "Invalid node release"
	summaryInvalidOrigin       = "Invalid origin"
	summaryInvalidNetID        = "Invalid net id"
	summaryInvalidNetwork      = "Invalid network"
	summaryInvalidImportID     = "Invalid import id"
	summaryInvalidCloudflare   = "Invalid Cloudflare configuration"
	summaryInvalidProviderData = "Invalid provider data"

	summaryMissingDocument        = "Missing discovery document"
	summaryMissingProviderConfig  = "Missing provider configuration"
	summaryMissingCloudflareToken = "Missing Cloudflare API token"

	summaryReadDocumentFailed     = "Could not read the discovery document"
	summaryReadCredentialsFailed  = "Could not read the Google credentials"
	summaryFetchNodeConfigFailed  = "Could not fetch the node config"
	summaryRenderAPINodeFailed    = "Could not render the API node config"
	summaryPublishNetworkFailed   = "Could not publish the network"
	summaryAddEntryFailed         = "Could not add the discovery entry"
	summaryUpdateEntryFailed      = "Could not update the discovery entry"
	summaryRemoveEntryFailed      = "Could not remove the discovery entry"
	summaryEntryExists            = "Discovery entry already exists"
	summaryEntryInAnotherDocument = "Discovery entry in another document"
	summaryEntryClash             = "Discovery entry clashes with another entry"

	summaryPurgeFailed         = "Discovery document written, CDN purge failed"
	summaryEntryNotOurs        = "Discovery entry published by someone else"
	summarySmappIgnoresPort    = "Smapp ignores this port"
	summaryNewNetwork          = "New network: spacemesh_network will be replaced"
	summaryIdentityChanged     = "Network identity changed in place"
	summaryNoSmappFallback     = "Smapp cannot keep this config as its offline fallback"
	summaryUnsafeNodeConfig    = "The published node config is unsafe; the API node runs a repaired copy"
	summaryKeysLeftOut         = "Keys left out of the API node config"
	summaryReleaseLimitReached = "API node release limit"
	summaryEntryClashKept      = "Discovery entry clashes with another entry, as it did before"
)

// summaryInvalidField is the summary of an invalid option of the network
// packages, which name options by their attribute names.
func summaryInvalidField(field string) string {
	return "Invalid " + strings.ReplaceAll(field, "_", " ")
}

// bugDetail is the detail of what only a defect of the provider causes.
func bugDetail(format string, a ...any) string {
	return fmt.Sprintf(format, a...) + " This is a bug in the provider; please report it."
}
