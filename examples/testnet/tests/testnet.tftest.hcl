# The production root with every provider mocked (the spacemesh provider too: it would fetch the
# networks' configs and read the documents). scripts/test-modules.sh appends the lifecycle runs of
# scripts/lifecycle/ to a copy of everything above the first run (adding, retiring a network). scripts/test-modules.sh reads the plan of plan_two_networks (-verbose) and
# reports how many resources it creates.

mock_provider "google" {
  # Values the modules index into when they are applied (the lifecycle runs apply this root).
  mock_resource "google_certificate_manager_dns_authorization" {
    defaults = {
      dns_resource_record = [{
        name = "_acme-challenge.host.example.org."
        type = "CNAME"
        data = "0f1e2d3c.1.authorize.certificatemanager.goog."
      }]
    }
  }
  mock_resource "google_compute_global_address" {
    defaults = {
      address = "198.51.100.9"
    }
  }
  mock_data "google_container_cluster" {
    defaults = {
      endpoint = "203.0.113.1"
      master_auth = [{
        cluster_ca_certificate    = "Y2E="
        client_certificate        = ""
        client_key                = ""
        client_certificate_config = [{ issue_client_certificate = false }]
      }]
    }
  }
}
# The secrets reader is the real google provider (mocks cannot serve ephemeral resources), pointed at
# the fake Secret Manager scripts/test-modules.sh runs on 127.0.0.1:28573.
provider "google" {
  alias                          = "ephemeral"
  access_token                   = "test-token"
  secret_manager_custom_endpoint = "http://127.0.0.1:28573/v1/"
}

mock_provider "helm" {}
mock_provider "kubernetes" {}
mock_provider "cloudflare" {}
mock_provider "spacemesh" {
  # Both documents answer alike: the public one lists the testnets, the dev one the devnet; the
  # modules' checks look for their own net id only.
  mock_data "spacemesh_discovery" {
    defaults = {
      net_ids = [118, 119, 401]
    }
  }
}

# The published documents (module.published reads them): the web is rendered from them.
override_module {
  target = module.published
  outputs = {
    net_ids = { public = [118, 119], dev = [401] }
    views = {
      public = { bucket = "sm-discovery-example", prefix = "views/networks/" }
      dev    = { bucket = "sm-discovery-dev-example", prefix = "views/networks-dev/" }
    }
    entries = {
      public = [
        {
          net_id                  = 118
          net_name                = "TweedleDee Open Testnet 118"
          conf                    = "https://configs.example.org/testnet-118.json"
          api_json                = "https://118.api.example.org"
          api_grpc                = "https://118.api.example.org"
          explorer                = "https://118.explore.example.org/"
          dash                    = "https://118.dash.example.org/"
          min_node_release        = "1.7.0"
          latest_node_release     = "1.7.6"
          min_smapp_release       = "1.6.0"
          latest_smapp_release    = "1.7.2"
          smapp_base_download_url = "https://smapp.example.org/dist"
          node_base_download_url  = "https://downloads.example.org/go-spacemesh"
          genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f18"
          stats_api               = "https://118.stats.example.org"
          dash_api                = "https://118.stats.example.org/#dash-118"
          explorer_api            = "https://118.stats.example.org"
          extra                   = {}
        },
        {
          net_id                  = 119
          net_name                = "TweedleDum Open Testnet 119"
          conf                    = "https://configs.example.org/testnet-119.json"
          api_json                = "https://119.api.example.org"
          api_grpc                = "https://119.api.example.org"
          explorer                = "https://119.explore.example.org/"
          dash                    = "https://119.dash.example.org/"
          min_node_release        = "1.7.0"
          latest_node_release     = "1.7.6"
          min_smapp_release       = "1.6.0"
          latest_smapp_release    = "1.7.2"
          smapp_base_download_url = "https://smapp.example.org/dist"
          node_base_download_url  = "https://downloads.example.org/go-spacemesh"
          genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f19"
          stats_api               = "https://119.stats.example.org"
          dash_api                = "https://119.stats.example.org/#dash-119"
          explorer_api            = "https://119.stats.example.org"
          extra                   = {}
        },
      ]
      dev = [
        {
          net_id                  = 401
          net_name                = "Devnet 401"
          conf                    = "https://configs.example.org/devnet-401.json"
          api_json                = "https://401.api.example.org"
          api_grpc                = "https://401.api.example.org"
          explorer                = "https://401.explore-dev.example.org/"
          dash                    = "https://401.dash-dev.example.org/"
          min_node_release        = "1.2.3"
          latest_node_release     = "1.2.3+1"
          min_smapp_release       = "1.7.2"
          latest_smapp_release    = "1.7.2"
          smapp_base_download_url = "https://smapp.example.org/dist"
          node_base_download_url  = "https://downloads.example.org/go-spacemesh"
          genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40"
          stats_api               = "https://401.stats.example.org"
          dash_api                = "https://401.stats.example.org/#dash-401"
          explorer_api            = "https://401.stats.example.org"
          extra                   = {}
        },
      ]
    }
  }
}


# Read again after the apply (the check that the web lists what is published).
override_data {
  target = data.spacemesh_discovery.public_now
  values = {
    net_ids = [118, 119]
  }
}

override_data {
  target = data.spacemesh_discovery.dev_now
  values = {
    net_ids = [401]
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

override_resource {
  target          = module.testnet_118.spacemesh_network.this
  override_during = plan
  values = {
    api_host               = "118.api.example.org"
    stats_api_host         = "118.stats.example.org"
    stats_api_url          = "https://118.stats.example.org"
    explorer_api_url       = "https://118.stats.example.org"
    dash_api_url           = "https://118.stats.example.org/#dash-118"
    labels_per_unit        = 4096
    allowed_origins        = ["https://118.explore.example.org", "https://118.dash.example.org"]
    explorer_host          = "118.explore.example.org"
    dash_host              = "118.dash.example.org"
    api_json_url           = "https://118.api.example.org"
    api_grpc_url           = "https://118.api.example.org"
    explorer_url           = "https://118.explore.example.org/"
    dash_url               = "https://118.dash.example.org/"
    hrp                    = "stest"
    id                     = "118"
    api_node_version       = "1.7.6"
    genesis_time           = "2026-09-01T12:00:00Z"
    layer_duration         = "5m0s"
    layers_per_epoch       = 288
    layer_duration_seconds = 300
    genesis_id             = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f48"
    smapp_genesis_id       = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f0118"
    config_sha256          = "0000000000000000000000000000000000000000000000000000000000000118"
    api_node_config        = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
    discovery_entry = {
      net_id                  = 118
      net_name                = "Open Testnet 118"
      conf                    = "https://configs.example.org/testnet-118.json"
      api_json                = "https://118.api.example.org"
      api_grpc                = "https://118.api.example.org"
      explorer                = "https://118.explore.example.org/"
      dash                    = "https://118.dash.example.org/"
      min_node_release        = "1.7.0"
      latest_node_release     = "v1.7.6"
      min_smapp_release       = "1.6.0"
      latest_smapp_release    = "1.7.2"
      smapp_base_download_url = "https://smapp.example.org/dist"
      node_base_download_url  = "https://downloads.example.org/go-spacemesh"
      genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f48"
      stats_api               = "https://118.stats.example.org"
      dash_api                = "https://118.stats.example.org/#dash-118"
      explorer_api            = "https://118.stats.example.org"
    }
  }
}

override_resource {
  target          = module.testnet_119.spacemesh_network.this
  override_during = plan
  values = {
    api_host               = "119.api.example.org"
    stats_api_host         = "119.stats.example.org"
    stats_api_url          = "https://119.stats.example.org"
    explorer_api_url       = "https://119.stats.example.org"
    dash_api_url           = "https://119.stats.example.org/#dash-119"
    labels_per_unit        = 4096
    allowed_origins        = ["https://119.explore.example.org", "https://119.dash.example.org"]
    explorer_host          = "119.explore.example.org"
    dash_host              = "119.dash.example.org"
    api_json_url           = "https://119.api.example.org"
    api_grpc_url           = "https://119.api.example.org"
    explorer_url           = "https://119.explore.example.org/"
    dash_url               = "https://119.dash.example.org/"
    hrp                    = "stest"
    id                     = "119"
    api_node_version       = "1.7.6"
    genesis_time           = "2026-09-01T12:00:00Z"
    layer_duration         = "5m0s"
    layers_per_epoch       = 288
    layer_duration_seconds = 300
    genesis_id             = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f49"
    smapp_genesis_id       = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f0119"
    config_sha256          = "0000000000000000000000000000000000000000000000000000000000000119"
    api_node_config        = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
    discovery_entry = {
      net_id                  = 119
      net_name                = "Open Testnet 119"
      conf                    = "https://configs.example.org/testnet-119.json"
      api_json                = "https://119.api.example.org"
      api_grpc                = "https://119.api.example.org"
      explorer                = "https://119.explore.example.org/"
      dash                    = "https://119.dash.example.org/"
      min_node_release        = "1.7.0"
      latest_node_release     = "v1.7.6"
      min_smapp_release       = "1.6.0"
      latest_smapp_release    = "1.7.2"
      smapp_base_download_url = "https://smapp.example.org/dist"
      node_base_download_url  = "https://downloads.example.org/go-spacemesh"
      genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f49"
      stats_api               = "https://119.stats.example.org"
      dash_api                = "https://119.stats.example.org/#dash-119"
      explorer_api            = "https://119.stats.example.org"
    }
  }
}

override_resource {
  target          = module.devnet_401.spacemesh_network.this
  override_during = plan
  values = {
    api_host               = "401.api.example.org"
    stats_api_host         = "401.stats.example.org"
    stats_api_url          = "https://401.stats.example.org"
    explorer_api_url       = "https://401.stats.example.org"
    dash_api_url           = "https://401.stats.example.org/#dash-401"
    labels_per_unit        = 1024
    allowed_origins        = ["https://401.explore-dev.example.org", "https://401.dash-dev.example.org"]
    explorer_host          = "401.explore-dev.example.org"
    dash_host              = "401.dash-dev.example.org"
    api_json_url           = "https://401.api.example.org"
    api_grpc_url           = "https://401.api.example.org"
    explorer_url           = "https://401.explore-dev.example.org/"
    dash_url               = "https://401.dash-dev.example.org/"
    hrp                    = "stest"
    id                     = "401"
    api_node_version       = "1.2.3"
    genesis_time           = "2026-09-01T12:00:00Z"
    layer_duration         = "5m0s"
    layers_per_epoch       = 288
    layer_duration_seconds = 300
    genesis_id             = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40"
    smapp_genesis_id       = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f0401"
    config_sha256          = "0000000000000000000000000000000000000000000000000000000000000401"
    api_node_config        = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"}}"
    discovery_entry = {
      net_id                  = 401
      net_name                = "Devnet 401"
      conf                    = "https://configs.example.org/devnet-401.json"
      api_json                = "https://401.api.example.org"
      api_grpc                = "https://401.api.example.org"
      explorer                = "https://401.explore-dev.example.org/"
      dash                    = "https://401.dash-dev.example.org/"
      min_node_release        = "1.2.3"
      latest_node_release     = "1.2.3+1"
      min_smapp_release       = "1.7.2"
      latest_smapp_release    = "1.7.2"
      smapp_base_download_url = "https://smapp.example.org/dist"
      node_base_download_url  = "https://downloads.example.org/go-spacemesh"
      genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40"
      stats_api               = "https://401.stats.example.org"
      dash_api                = "https://401.stats.example.org/#dash-401"
      explorer_api            = "https://401.stats.example.org"
    }
  }
}

variables {
  project_id                = "sm-web-prod"
  domain                    = "example.org"
  cloudflare_zone_id        = "0123456789abcdef0123456789abcdef"
  discovery_bucket          = "sm-discovery-example"
  notification_channels     = ["projects/sm-web-prod/notificationChannels/42"]
  ingress_ip                = "203.0.113.10"
  tls_secret_project        = "sm-secrets"
  terraform_service_account = "serviceAccount:tfc@sm-web-prod.iam.gserviceaccount.com"
}

run "plan_two_networks" {
  command = plan

  assert {
    condition     = module.discovery.public_url == "https://discover.example.org/networks.json" && module.discovery.discovery_url == "gs://sm-discovery-example/networks.json"
    error_message = "One discovery service at the permanent name."
  }

  assert {
    condition     = module.testnet_118.hosts.api == "118.api.example.org" && module.testnet_119.hosts.api == "119.api.example.org"
    error_message = "Each network block gets its own host names."
  }

  assert {
    condition     = module.testnet_118.namespace != module.testnet_119.namespace
    error_message = "Networks do not share a namespace."
  }

  assert {
    condition     = module.discovery_dev.discovery_url == "gs://sm-discovery-dev-example/networks-dev.json" && module.discovery_dev.public_url == "https://discover-dev.example.org/networks-dev.json"
    error_message = "Devnets publish into their own document at its own permanent URL."
  }
}

run "checks_report_a_dead_discovery_document" {
  command = plan

  override_data {
    target          = data.http.discovery
    override_during = plan
    values = {
      status_code = 503
    }
  }

  expect_failures = [check.discovery_document]
}
