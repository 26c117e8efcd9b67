# Run by scripts/test-dataplane.sh only, under the Go test internal/testing/dataplane (TestDataplane), which
# runs a real Traefik with the ingress chart's arguments and RBAC, points the module's Services at
# stand-ins of the API node and the stats API, and sends requests through the route while these runs
# go on. The real kubernetes and helm providers install the module into the local API server; the
# spacemesh provider is real and waits, through the route, for the node to report synced before it
# writes the entry (wait_for_sync). Google, Cloudflare and http are mocked, except the Secret Manager
# reader, pointed at the fake Secret Manager that serves the test certificate.

mock_provider "google" {}

provider "google" {
  alias                          = "secrets"
  access_token                   = "test-token"
  secret_manager_custom_endpoint = "http://127.0.0.1:28573/v1/"
  # Any universe but Google's: the provider then skips asking openidconnect.googleapis.com who it
  # is (transport/config.go, GetCurrentUserEmail), which in the test's network namespace, with no
  # route out, it retries as a timeout for many minutes.
  universe_domain = "dataplane.test"
}

# Cloudflare's edge ranges, which do not include the test's clients (127.0.0.1).
mock_provider "cloudflare" {
  mock_data "cloudflare_ip_ranges" {
    defaults = {
      ipv4_cidrs = ["173.245.48.0/20", "103.21.244.0/22"]
      ipv6_cidrs = ["2400:cb00::/32"]
    }
  }
}

mock_provider "http" {
  mock_data "http" {
    override_during = plan
    defaults = {
      status_code   = 200
      response_body = "{\"layers_count\": 1}"
    }
  }
}

variables {
  net_id                  = 118
  name                    = "TweedleDee Open Testnet 118"
  config_url              = "https://configs.example.org/testnet-118.json"
  config_json             = file("tests/testdata/testnet-118.json")
  node_release            = "v1.7.6"
  min_node_release        = "1.7.0"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://downloads.example.org/go-spacemesh"
  stats_api_release       = "v2.1.0"
  domain                  = "example.org"
  cloudflare_zone_id      = "0123456789abcdef0123456789abcdef"
  project_id              = "sm-web-test"
  notification_channels   = ["projects/sm-web-test/notificationChannels/123"]
  ingress                 = { ip_address = "203.0.113.10" }
  tls = {
    secret_manager = { project = "sm-secrets", certificate_secret = "dataplane-crt", private_key_secret = "dataplane-key" }
  }
  helm_wait     = false
  wait_for_sync = true
  # Long enough for the checks the Go test runs while the provider waits (a 3-minute silent stream,
  # a 60-second benchmark); the test reports synced once they are done.
  sync_timeout = "20m"
}

run "install" {
  command = apply

  assert {
    condition     = spacemesh_discovery_entry.this.api_json == "https://118.api.example.org"
    error_message = "The entry advertises the API host the route serves."
  }
}

# The stats host's allow list, now with the test's clients in it.
run "admit_loopback" {
  command = apply

  override_data {
    target = data.cloudflare_ip_ranges.edge
    values = {
      ipv4_cidrs = ["173.245.48.0/20", "103.21.244.0/22", "127.0.0.1/32"]
      ipv6_cidrs = ["2400:cb00::/32"]
    }
  }
}

run "hold_admitted" {
  # The pause needs no provider (and the file's would be taken for hashicorp/<name> there).
  providers = {}

  module {
    source = "./tests/dataplane/hold"
  }

  variables {
    step = "admitted"
  }
}
