# Changes of releases are in-place updates: every resource keeps its identity (a mocked resource
# that is replaced gets a new random id).

mock_provider "google" {}

# The secrets reader is the real google provider (mocks cannot serve ephemeral resources), pointed at
# the fake Secret Manager the test scripts run on 127.0.0.1:28573.
provider "google" {
  alias                          = "secrets"
  access_token                   = "test-token"
  secret_manager_custom_endpoint = "http://127.0.0.1:28573/v1/"
}

mock_provider "helm" {}
mock_provider "kubernetes" {}
mock_provider "cloudflare" {
  mock_data "cloudflare_ip_ranges" {
    defaults = {
      ipv4_cidrs = ["173.245.48.0/20", "103.21.244.0/22"]
      ipv6_cidrs = ["2400:cb00::/32"]
    }
  }
}
mock_provider "http" {
  # The endpoints answer as live ones do (the check blocks pass).
  mock_data "http" {
    override_during = plan
    defaults = {
      status_code   = 200
      response_body = "{\"layers_count\": 1}"
    }
  }
}

mock_provider "spacemesh" {
  source = "./tests/mocks/spacemesh"
}

variables {
  net_id                  = 118
  name                    = "TweedleDee Open Testnet 118"
  config_url              = "https://configs.example.org/testnet-118.json"
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
    secret_manager = { project = "sm-secrets", certificate_secret = "t118-crt", private_key_secret = "t118-key" }
  }
}

run "create" {
  command = apply
}

run "node_release_upgrade" {
  command = apply

  variables {
    node_release = "v1.7.7"
  }

  assert {
    condition     = output.helm_releases == run.create.helm_releases && output.dns_records == run.create.dns_records && output.uptime_check_ids == run.create.uptime_check_ids && output.discovery_entry_id == run.create.discovery_entry_id && output.namespace == run.create.namespace
    error_message = "A node upgrade must update releases in place, not replace anything."
  }

  assert {
    condition     = helm_release.api_node.set[0].value == "spacemeshos/go-spacemesh:v1.7.7" && output.images.stats_api == run.create.images.stats_api
    error_message = "The API node moves to the new release; the stats API beside it keeps its own."
  }

  assert {
    condition     = spacemesh_network.this.latest_node_release == "v1.7.7" && spacemesh_network.this.node_release == "v1.7.7"
    error_message = "The network (and through it the discovery entry) advertises the new latest node release."
  }
}

run "smapp_release_update" {
  command = apply

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
  }

  assert {
    condition     = output.helm_releases == run.create.helm_releases && output.discovery_entry_id == run.create.discovery_entry_id && output.images == run.node_release_upgrade.images
    error_message = "A Smapp release update touches the discovery entry only."
  }

  assert {
    condition     = spacemesh_network.this.latest_smapp_release == "1.7.3"
    error_message = "The network advertises the new Smapp release."
  }
}

run "stats_api_release_update" {
  command = apply

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
    stats_api_release    = "v2.2.0"
  }

  assert {
    condition     = output.helm_releases == run.create.helm_releases && output.images.stats_api == "spacemeshos/explorer-stats-api:v2.2.0" && output.images.node == "spacemeshos/go-spacemesh:v1.7.7" && output.discovery_entry_id == run.create.discovery_entry_id
    error_message = "A stats API release update is an in-place upgrade of the API node's release; nothing is replaced."
  }
}

# Kubernetes refuses to change a StatefulSet's volumeClaimTemplates: a new size is refused at plan
# time (with the manual resize in the message), not half-way through a helm upgrade.
run "volume_size_change_refused" {
  command = plan

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
    stats_api_release    = "v2.2.0"
    api_node             = { storage_size = "400Gi" }
  }

  expect_failures = [helm_release.api_node]
}
