# The discovery document lives in a GCS bucket; the provider authenticates with
# Application Default Credentials unless google_credentials or
# google_access_token is set.
provider "spacemesh" {
  discovery_url = "gs://sm-discovery/networks.json"
  domain        = "spacemesh.io"

  # Keep clients at most a minute behind (GCS would otherwise allow an hour).
  discovery_cache_control = "public, max-age=60"
}

# A local document, for trying the provider without a cloud account.
provider "spacemesh" {
  alias         = "local"
  discovery_url = "file:///var/lib/spacemesh/networks.json"
  domain        = "example.org"
}
