# Every input is checked at plan time, before anything is created; the API node config the provider
# renders is checked again (defence in depth) before any workload runs it.

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

run "config_url_must_be_https" {
  command = plan
  variables {
    config_url = "http://configs.example.org/testnet-118.json"
  }
  expect_failures = [var.config_url]
}

run "download_urls_must_be_https" {
  command = plan
  variables {
    smapp_base_download_url = "http://smapp.example.org/dist"
  }
  expect_failures = [var.smapp_base_download_url]
}

run "net_id_positive" {
  command = plan
  variables {
    net_id = 0
  }
  expect_failures = [var.net_id]
}

run "releases_are_semver" {
  command = plan
  variables {
    latest_smapp_release = "latest"
  }
  expect_failures = [var.latest_smapp_release]
}

run "stats_api_ttl_is_a_duration" {
  command = plan
  variables {
    stats_api = { cache_ttl = "an hour" }
  }
  expect_failures = [var.stats_api]
}

run "stats_api_release_is_a_tag" {
  command = plan
  variables {
    stats_api_release = "spacemeshos/explorer-stats-api:v2.1.0"
  }
  expect_failures = [var.stats_api_release]
}

run "exactly_one_tls_source" {
  command = plan
  variables {
    tls = {
      secret_manager       = { project = "sm-secrets", certificate_secret = "c", private_key_secret = "k" }
      existing_secret_name = "wildcard-tls"
    }
  }
  expect_failures = [var.tls]
}

run "existing_secret_needs_existing_namespace" {
  command = plan
  variables {
    tls = { existing_secret_name = "wildcard-tls" }
  }
  expect_failures = [var.tls]
}

run "existing_secret_in_platform_namespace" {
  command = plan
  variables {
    tls              = { existing_secret_name = "wildcard-tls" }
    create_namespace = false
    namespace        = "web-118"
  }

  assert {
    condition     = length(kubernetes_secret_v1.tls) == 0 && length(kubernetes_namespace_v1.this) == 0 && yamldecode(helm_release.api_node.values[0]).ingress.tlsSecretName == "wildcard-tls" && helm_release.api_node.namespace == "web-118"
    error_message = "An existing certificate Secret is used by name, in the platform's namespace, and nothing is copied."
  }
}

run "cert_manager_issues_per_ingress" {
  command = plan

  variables {
    tls = { cert_manager_cluster_issuer = "letsencrypt-dns" }
  }

  assert {
    condition = (
      length(kubernetes_secret_v1.tls) == 0 &&
      yamldecode(helm_release.api_node.values[0]).ingress.json.annotations["cert-manager.io/cluster-issuer"] == "letsencrypt-dns" &&
      yamldecode(helm_release.api_node.values[0]).statsApi.ingress.annotations["cert-manager.io/cluster-issuer"] == "letsencrypt-dns" &&
      yamldecode(helm_release.api_node.values[0]).ingress.tlsSecretName == "api-tls" &&
      yamldecode(helm_release.api_node.values[0]).statsApi.ingress.tlsSecretName == "stats-tls"
    )
    error_message = "With cert-manager, every host's Ingress asks the issuer for its certificate; the gRPC route shares the API host's Secret."
  }

  # Each of those certificates is watched at the origin, through cert-manager's own expiry metric
  # (the stats host is behind Cloudflare's proxy: its uptime checks see Cloudflare's certificate).
  assert {
    condition = (
      length(google_monitoring_alert_policy.cert_manager_certificates) == 1 &&
      google_monitoring_alert_policy.cert_manager_certificates[0].conditions[0].condition_prometheus_query_language[0].query == "min by (name) (certmanager_certificate_expiration_timestamp_seconds{exported_namespace=\"spacemesh-118\"}) - time() < 1814400"
    )
    error_message = "With cert-manager, the network's certificates alert 21 days before they expire, from cert-manager's metric."
  }
}

run "notification_channels_are_ids" {
  command = plan
  variables {
    notification_channels = ["alerts@example.org"]
  }
  expect_failures = [var.notification_channels]
}

run "extra_keys_may_not_shadow" {
  command = plan
  variables {
    discovery_extra = { statsAPI = "https://elsewhere.example.org/" }
  }
  expect_failures = [var.discovery_extra]
}

run "host_pattern_needs_net_id" {
  command = plan
  variables {
    stats_api_host_pattern = "stats.{domain}"
  }
  expect_failures = [var.stats_api_host_pattern]
}

run "branch_release_needs_latest_node_release" {
  command = plan
  variables {
    node_release = "develop"
  }
  expect_failures = [var.latest_node_release]
}

run "private_listener_on_a_public_address_is_refused" {
  command = plan

  override_resource {
    target          = spacemesh_network.this
    override_during = plan
    values = {
      api_host        = "118.api.example.org"
      stats_api_host  = "118.stats.example.org"
      explorer_host   = "118.explore.example.org"
      dash_host       = "118.dash.example.org"
      api_node_config = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"0.0.0.0:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
      discovery_entry = {
        net_id                  = 118
        net_name                = "TweedleDee Open Testnet 118"
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
        genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
        stats_api               = "https://118.stats.example.org"
        dash_api                = "https://118.stats.example.org/#dash-118"
        explorer_api            = "https://118.stats.example.org"
      }
    }
  }

  expect_failures = [spacemesh_network.this]
}

run "provider_hosts_must_match" {
  command = plan

  override_resource {
    target          = spacemesh_network.this
    override_during = plan
    values = {
      api_host        = "api-118.example.org"
      stats_api_host  = "118.stats.example.org"
      explorer_host   = "118.explore.example.org"
      dash_host       = "118.dash.example.org"
      api_node_config = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
      discovery_entry = {
        net_id                  = 118
        net_name                = "TweedleDee Open Testnet 118"
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
        genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
        stats_api               = "https://118.stats.example.org"
        dash_api                = "https://118.stats.example.org/#dash-118"
        explorer_api            = "https://118.stats.example.org"
      }
    }
  }

  expect_failures = [spacemesh_network.this]
}
