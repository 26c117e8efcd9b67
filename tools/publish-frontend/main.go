// Command publish-frontend publishes a build of scripts/build-frontend.sh into the bucket of
// modules/static-web (see internal/webrelease). Credentials: Application Default Credentials, or an
// emulator through STORAGE_EMULATOR_HOST / -endpoint http://...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/webrelease"
)

func main() {
	bucket := flag.String("bucket", "", "the bucket of modules/static-web (its bucket_name output)")
	frontend := flag.String("frontend", "", "the frontends key the release is for (explorer, dash, explorer-dev, ...)")
	release := flag.String("release", "", "the release name (e.g. v2.1.0)")
	dir := flag.String("dir", "", "the build: OUT/<frontend>/<release> as scripts/build-frontend.sh printed it")
	mapping := flag.String("mapping", "modules/static-web/content-types.json", "the module's content types and cache rules")
	endpoint := flag.String("endpoint", "", "JSON API endpoint (emulators), e.g. http://127.0.0.1:4443/storage/v1/")
	flag.Parse()
	if *bucket == "" || *frontend == "" || *release == "" || *dir == "" {
		fmt.Fprintln(os.Stderr, "publish-frontend: -bucket, -frontend, -release and -dir are required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*bucket, *frontend, *release, *dir, *mapping, *endpoint); err != nil {
		fmt.Fprintln(os.Stderr, "publish-frontend:", err)
		os.Exit(1)
	}
}

func run(bucket, frontend, release, dir, mappingFile, endpoint string) error {
	ctx := context.Background()
	m, err := webrelease.LoadMapping(mappingFile)
	if err != nil {
		return err
	}
	client, err := store.NewGCSClient(ctx, store.GCSConfig{Endpoint: endpoint, UserAgent: "spacemesh-publish-frontend"})
	if err != nil {
		return err
	}
	defer func() { _ = client.Close() }()
	rep, err := webrelease.Publish(ctx, client.Bucket(bucket), m, frontend, release, dir)
	for _, n := range rep.Uploaded {
		fmt.Println("uploaded  gs://" + bucket + "/" + n)
	}
	for _, n := range rep.Unchanged {
		fmt.Println("unchanged gs://" + bucket + "/" + n)
	}
	if err != nil {
		return err
	}
	fmt.Printf("published %s/%s: %d uploaded, %d already there\n", frontend, release, len(rep.Uploaded), len(rep.Unchanged))
	return nil
}
