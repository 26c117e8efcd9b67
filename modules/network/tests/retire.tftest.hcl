# Retiring a network: two networks from one root, then one removed. The real spacemesh provider
# writes a file:// document (SPACEMESH_DISCOVERY_URL); the script reads the plan of plan_retire_119
# (-verbose) and checks it destroys every resource of network 119, its entry included, and nothing
# of network 118.

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
  common = {
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
    tls                     = { cert_manager_cluster_issuer = "letsencrypt-dns" }
  }
}

run "two_networks" {
  command = apply

  module {
    source = "./tests/fixtures/networks"
  }

  variables {
    networks = {
      "118" = { name = "Testnet 118", config_file = "tests/testdata/testnet-118.json" }
      "119" = { name = "Testnet 119", config_file = "tests/testdata/testnet-119.json" }
    }
  }

  assert {
    condition     = toset(output.document_net_ids) == toset([118, 119])
    error_message = "Both networks are in the discovery document."
  }
}

run "plan_retire_119" {
  command = plan

  module {
    source = "./tests/fixtures/networks"
  }

  variables {
    networks = {
      "118" = { name = "Testnet 118", config_file = "tests/testdata/testnet-118.json" }
    }
  }
}

run "retire_119" {
  command = apply

  module {
    source = "./tests/fixtures/networks"
  }

  variables {
    networks = {
      "118" = { name = "Testnet 118", config_file = "tests/testdata/testnet-118.json" }
    }
  }

  assert {
    condition     = toset(keys(output.entry_ids)) == toset(["118"]) && output.entry_ids["118"] == run.two_networks.entry_ids["118"]
    error_message = "Network 118 keeps its entry."
  }
}

run "document_after_retirement" {
  command = apply

  module {
    source = "./tests/fixtures/networks"
  }

  variables {
    networks = {
      "118" = { name = "Testnet 118", config_file = "tests/testdata/testnet-118.json" }
    }
  }

  assert {
    condition     = output.document_net_ids == tolist([118])
    error_message = "The retired network is gone from the discovery document; the other stays."
  }
}
