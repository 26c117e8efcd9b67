package provider

import (
	"context"
	"fmt"
	"time"

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
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("%s: %v", req.Path, err))
	}
}

func httpsURLValidator() validator.String {
	return stringCheck{"Invalid URL", "must be an https URL with a DNS host name", discovery.CheckHTTPSURL}
}

func releaseValidator() validator.String {
	return stringCheck{"Invalid release", "must be a semantic version (a leading v is allowed)", func(s string) error {
		_, err := discovery.ParseRelease(s)
		return err
	}}
}

func genesisIDValidator() validator.String {
	return stringCheck{"Invalid genesis id", "must be 40 lower-case hex digits", discovery.CheckGenesisID}
}

func hostnameValidator() validator.String {
	return stringCheck{"Invalid domain", "must be a DNS name", discovery.CheckHostname}
}

func documentURLValidator() validator.String {
	return stringCheck{"Invalid discovery URL", "must be gs://BUCKET/OBJECT or file:///ABSOLUTE/PATH", func(s string) error {
		_, err := store.ParseURL(s)
		return err
	}}
}

func baseDownloadURLValidator() validator.String {
	return stringCheck{"Invalid URL", "must be an https URL without a trailing /", discovery.CheckBaseDownloadURL}
}

func dashAPIValidator() validator.String {
	return stringCheck{"Invalid URL", "must be an https or wss URL with a DNS host name", discovery.CheckDashAPIURL}
}

func durationValidator() validator.String {
	return stringCheck{"Invalid duration", "must be a positive Go duration such as 30m or 1h30m", func(s string) error {
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
