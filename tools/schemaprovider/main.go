// Command schemaprovider is a schema-only Terraform provider (protocol 6): it serves a provider's
// schema recorded with `terraform providers schema -json` and nothing else.
//
// It stands in for providers that are too expensive to build for every test run (cloudflare 5.x
// takes about an hour and 17 GB to compile) in the two uses that need nothing but a schema:
// `terraform validate`, and `terraform test` runs in which the provider is replaced by
// `mock_provider`. Validation RPCs accept everything (the real provider's own validators do not
// run); any RPC that would touch the real service fails with an error that says so. It is no
// substitute for plan or apply against the real provider.
//
// The schema is embedded at build time from schemas/; which file, and under which provider
// address, is chosen with -ldflags:
//
//	go build -ldflags "-X main.providerAddress=registry.terraform.io/cloudflare/cloudflare \
//	  -X main.providerVersion=5.24.0 -X main.schemaFile=cloudflare-cloudflare-5.24.0.json.gz" \
//	  -o terraform-provider-cloudflare_v5.24.0 ./tools/schemaprovider
package main

import (
	"embed"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

//go:embed schemas/*.json schemas/*.json.gz
var schemas embed.FS

// Set with -ldflags -X.
var (
	providerAddress = ""
	providerVersion = "0.0.0"
	schemaFile      = ""
)

func main() {
	debug := flag.Bool("debug", false, "serve in debug mode (prints TF_REATTACH_PROVIDERS)")
	dump := flag.Bool("summary", false, "print a summary of the embedded schema and exit")
	flag.Parse()

	ps, err := embeddedSchema()
	if err != nil {
		log.Fatalf("schemaprovider: %v", err)
	}
	if *dump {
		fmt.Printf("%s %s (schema-only): %d resources, %d data sources, %d ephemeral resources, %d functions\n",
			ps.Address, providerVersion, len(ps.Resources), len(ps.DataSources), len(ps.EphemeralResources), len(ps.Functions))
		return
	}
	var opts []tf6server.ServeOpt
	if *debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(ps.Address, func() tfprotov6.ProviderServer { return newServer(ps) }, opts...); err != nil {
		log.Fatalf("schemaprovider: %v", err)
	}
}

func embeddedSchema() (*providerSchema, error) {
	name := schemaFile
	if name == "" {
		files, err := fs.Glob(schemas, "schemas/*")
		if err != nil {
			return nil, err
		}
		if len(files) != 1 {
			return nil, fmt.Errorf("%d schemas embedded; choose one with -ldflags -X main.schemaFile=<name>", len(files))
		}
		name = files[0][len("schemas/"):]
	}
	f, err := schemas.Open("schemas/" + name)
	if err != nil {
		return nil, fmt.Errorf("embedded schema %q: %w", name, err)
	}
	defer f.Close() //nolint:errcheck // read-only embedded file
	ps, err := loadSchema(f, providerAddress)
	if err != nil {
		return nil, fmt.Errorf("embedded schema %q: %w", name, err)
	}
	if v := os.Getenv("SCHEMAPROVIDER_DEBUG"); v != "" {
		log.Printf("schemaprovider: serving %s from %s", ps.Address, name)
	}
	return ps, nil
}
