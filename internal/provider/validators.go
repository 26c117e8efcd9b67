package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

// stringCheck adapts a plain check function to a framework string validator,
// so the checks live in packages without Terraform imports.
type stringCheck struct {
	summary     string
	description string
	check       func(string) error
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

func httpsURLValidator() validator.String {
	return stringCheck{summaryInvalidURL, "must be an https URL with a DNS host name", discovery.CheckHTTPSURL}
}

func releaseValidator() validator.String {
	return stringCheck{summaryInvalidRelease, "must be a semantic version (a leading v is allowed)", func(s string) error {
		_, err := discovery.ParseRelease(s)
		return err
	}}
}

func genesisIDValidator() validator.String {
	return stringvalidator.RegexMatches(discovery.GenesisIDPattern, "must be 40 lower-case hex digits (20 bytes)")
}

func hostnameValidator() validator.String {
	return stringCheck{summaryInvalidDomain, "must be a DNS name", discovery.CheckHostname}
}

func documentURLValidator() validator.String {
	return stringCheck{summaryInvalidDocumentURL, "must be gs://BUCKET/OBJECT or file:///ABSOLUTE/PATH", func(s string) error {
		_, err := store.ParseURL(s)
		return err
	}}
}

// fieldURLValidator checks a URL of the discovery entry as the clients use
// it (discovery.CheckFieldURL): what they append to must stay a URL of the
// same host and path.
func fieldURLValidator(f discovery.Field) validator.String {
	desc := "must be an https URL with a DNS host name, without a query or fragment"
	switch f {
	case discovery.FieldDashAPI:
		desc = "must be an https or wss URL with a DNS host name"
	case discovery.FieldConf:
		desc = "must be an https URL ending in a file name, without a query or fragment"
	case discovery.FieldExplorer:
		desc = "must be an https URL ending in /, without a query or fragment"
	case discovery.FieldSmappBaseDownloadURL, discovery.FieldNodeBaseDownloadURL:
		desc = "must be an https URL without a trailing /, query or fragment"
	}
	return stringCheck{summaryInvalidURL, desc, func(s string) error { return discovery.CheckFieldURL(f, s) }}
}

func durationValidator() validator.String {
	return stringCheck{summaryInvalidDuration, "must be a positive Go duration such as 30m or 1h30m", func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("expected a Go duration such as \"30m\" or \"1h30m\", got %q", s)
		}
		if d <= 0 {
			return fmt.Errorf("expected a positive duration, got %q", s)
		}
		return nil
	}}
}
