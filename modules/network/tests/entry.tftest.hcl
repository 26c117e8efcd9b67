# The real spacemesh provider (clouds mocked): the discovery entry gets exactly the network's URLs
# and releases, written to a file:// document (scripts/test-modules.sh sets SPACEMESH_DISCOVERY_URL
# to a temporary file). The plan_* runs are also read by the script, which checks that release
# changes are in-place updates.

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
    secret_manager = { project = "sm-secrets", certificate_secret = "t118-crt", private_key_secret = "t118-key" }
  }
  # Nothing answers at the network's public URLs here.
  wait_for_sync = false
}

run "plan_create" {
  command = plan

  # Before the first apply the document does not list the network yet (the check says so, as a
  # warning, in a real plan); terraform test would count that warning as a failure.
  override_data {
    target = data.spacemesh_discovery.published
    values = {
      net_ids = [118]
    }
  }

  assert {
    condition = (
      spacemesh_discovery_entry.this.api_json == "https://118.api.example.org" &&
      spacemesh_discovery_entry.this.api_grpc == "https://118.api.example.org" &&
      spacemesh_discovery_entry.this.explorer == "https://118.explore.example.org/" &&
      spacemesh_discovery_entry.this.dash == "https://118.dash.example.org/"
    )
    error_message = "The entry's URLs must be the network's own, known at plan time."
  }

  assert {
    condition     = cloudflare_dns_record.this["api"].name == spacemesh_network.this.api_host && cloudflare_dns_record.this["stats"].name == "118.stats.example.org"
    error_message = "DNS records are made for exactly the provider's API host and the stats host."
  }
}

run "create" {
  command = apply

  assert {
    condition = (
      spacemesh_discovery_entry.this.net_id == 118 &&
      spacemesh_discovery_entry.this.net_name == "TweedleDee Open Testnet 118" &&
      spacemesh_discovery_entry.this.conf == "https://configs.example.org/testnet-118.json" &&
      spacemesh_discovery_entry.this.api_json == "https://118.api.example.org" &&
      spacemesh_discovery_entry.this.api_grpc == "https://118.api.example.org" &&
      spacemesh_discovery_entry.this.explorer == "https://118.explore.example.org/" &&
      spacemesh_discovery_entry.this.dash == "https://118.dash.example.org/"
    )
    error_message = "The entry must name the network, its config and exactly its service URLs."
  }

  assert {
    condition = (
      spacemesh_discovery_entry.this.min_node_release == "1.7.0" &&
      spacemesh_discovery_entry.this.latest_node_release == "v1.7.6" &&
      spacemesh_discovery_entry.this.min_smapp_release == "1.6.0" &&
      spacemesh_discovery_entry.this.latest_smapp_release == "1.7.2" &&
      spacemesh_discovery_entry.this.smapp_base_download_url == "https://smapp.example.org/dist" &&
      spacemesh_discovery_entry.this.node_base_download_url == "https://downloads.example.org/go-spacemesh"
    )
    error_message = "The entry must carry exactly the network's releases and download URLs."
  }

  assert {
    condition     = spacemesh_discovery_entry.this.genesis_id == spacemesh_network.this.smapp_genesis_id && length(spacemesh_discovery_entry.this.genesis_id) == 40
    error_message = "The entry carries the genesis id Smapp computes."
  }

  assert {
    condition = (
      spacemesh_discovery_entry.this.stats_api == "https://118.stats.example.org" &&
      spacemesh_discovery_entry.this.explorer_api == "https://118.stats.example.org" &&
      spacemesh_discovery_entry.this.dash_api == "https://118.stats.example.org/#dash-118" &&
      spacemesh_discovery_entry.this.wait_for_sync == false
    )
    error_message = "The entry publishes the stats API (statsAPI, explorerAPI) and the dashboard's per-network key."
  }

  assert {
    condition = (
      jsondecode(yamldecode(helm_release.api_node.values[0]).nodeConfig).api["grpc-public-listener"] == "0.0.0.0:9092" &&
      jsondecode(yamldecode(helm_release.api_node.values[0]).nodeConfig).api["grpc-json-listener"] == "0.0.0.0:9091" &&
      jsondecode(yamldecode(helm_release.api_node.values[0]).nodeConfig).api["grpc-private-listener"] == "127.0.0.1:9093" &&
      yamldecode(helm_release.api_node.values[0]).ports.private == 9093 &&
      yamldecode(helm_release.api_node.values[0]).statsApi.env.SPACEMESH_LABELS_PER_UNIT == "4096" &&
      yamldecode(helm_release.api_node.values[0]).statsApi.env.SPACEMESH_LAYERS_PER_EPOCH == tostring(spacemesh_network.this.layers_per_epoch) &&
      yamldecode(helm_release.api_node.values[0]).statsApi.env.SPACEMESH_GENESIS_TIME == spacemesh_network.this.genesis_time
    )
    error_message = "The API node runs the provider's config: public listeners on the Services' ports, the private one on loopback."
  }

  assert {
    condition     = output.urls.api_json == spacemesh_discovery_entry.this.api_json && output.urls.api_grpc == spacemesh_discovery_entry.this.api_grpc
    error_message = "The module's outputs agree with the entry."
  }
}

run "plan_node_upgrade" {
  command = plan

  variables {
    node_release = "v1.7.7"
  }

  assert {
    condition     = spacemesh_discovery_entry.this.latest_node_release == "v1.7.7" && helm_release.api_node.set[0].value == "spacemeshos/go-spacemesh:v1.7.7"
    error_message = "A node upgrade moves the API node to the new image and advertises it as the latest node release."
  }
}

run "node_upgrade" {
  command = apply

  variables {
    node_release = "v1.7.7"
  }

  assert {
    condition     = spacemesh_discovery_entry.this.latest_node_release == "v1.7.7" && output.discovery_entry_id == run.create.discovery_entry_id && output.genesis_id == run.create.genesis_id
    error_message = "The same entry (same network) now advertises the new node release."
  }
}

run "plan_smapp_update" {
  command = plan

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
  }

  assert {
    condition     = spacemesh_discovery_entry.this.latest_smapp_release == "1.7.3"
    error_message = "A Smapp release update is advertised by the entry."
  }
}

run "smapp_update" {
  command = apply

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
  }

  assert {
    condition     = spacemesh_discovery_entry.this.latest_smapp_release == "1.7.3" && spacemesh_discovery_entry.this.min_smapp_release == "1.6.0"
    error_message = "The entry advertises the new Smapp release."
  }
}
