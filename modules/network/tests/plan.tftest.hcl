# Module logic with every provider mocked (spacemesh_network's computed values given as the real
# provider computes them for net 118 on example.org). Plan-only: fast, and nothing is written.

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

run "host_names_carry_net_id_and_domain" {
  command = plan

  assert {
    condition = {
      for k, r in cloudflare_dns_record.this : k => r.name
      } == {
      api   = "118.api.example.org"
      stats = "118.stats.example.org"
    }
    error_message = "One DNS record per host this module serves: the API host (JSON and gRPC on 443) and the stats API host, after the documented patterns."
  }

  assert {
    condition     = alltrue([for r in cloudflare_dns_record.this : r.type == "A" && r.content == "203.0.113.10" && r.zone_id == "0123456789abcdef0123456789abcdef"])
    error_message = "Records point at the ingress controller's address, in the given zone."
  }

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ingress.host == "118.api.example.org" &&
      yamldecode(helm_release.api_node.values[0]).statsApi.ingress.host == "118.stats.example.org"
    )
    error_message = "The API and stats routes serve the hosts their DNS records name."
  }

  assert {
    condition     = kubernetes_namespace_v1.this[0].metadata[0].name == "spacemesh-118" && helm_release.api_node.namespace == "spacemesh-118"
    error_message = "The network lives in namespace spacemesh-<net_id>."
  }
}

run "dns_proxying" {
  command = plan

  assert {
    condition     = cloudflare_dns_record.this["api"].proxied == false && cloudflare_dns_record.this["api"].ttl == 300
    error_message = "The API host carries gRPC: it must be DNS-only (TLS ends at the ingress)."
  }

  assert {
    condition     = cloudflare_dns_record.this["stats"].proxied == true && cloudflare_dns_record.this["stats"].ttl == 1
    error_message = "The stats API host is proxied by Cloudflare (automatic TTL)."
  }
}

# One https host on 443: gRPC by content type to the node's public gRPC listener, the rest to the
# JSON gateway.
run "grpc_routed_by_content_type" {
  command = plan

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ingress.grpc.match == "Host(`118.api.example.org`) && HeaderRegexp(`Content-Type`, `^application/grpc($|[+;])`)" &&
      yamldecode(helm_release.api_node.values[0]).ingress.grpc.priority == 1000
    )
    error_message = "The gRPC route matches the API host and a gRPC Content-Type (application/grpc, +codec or ;params, not grpc-web), above the JSON route."
  }

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ports.grpc == 9092 &&
      yamldecode(helm_release.api_node.values[0]).ports.json == 9091 &&
      yamldecode(helm_release.api_node.values[0]).ingress.entrypoint == "websecure"
    )
    error_message = "The gRPC route goes to the node's public gRPC listener (9092), the rest to the JSON gateway (9091), both on the https entry point on 443."
  }

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ingress.json.annotations["traefik.ingress.kubernetes.io/router.entrypoints"] == "websecure" &&
      yamldecode(helm_release.api_node.values[0]).ingress.tlsSecretName == "spacemesh-118-tls"
    )
    error_message = "The JSON route is https on the 443 entry point with the network's certificate."
  }
}

# The explorer stats API is configured from the network, not from explorer-backend's defaults
# (30 s layers, 4032 layers per epoch, 1024 labels per unit, genesis 2024-06-21).
run "stats_api_environment" {
  command = plan

  assert {
    condition = yamldecode(helm_release.api_node.values[0]).statsApi.env == {
      SPACEMESH_API_LISTEN         = ":5000"
      SPACEMESH_REFRESH_API_LISTEN = ":5050"
      SPACEMESH_METRICS_PORT       = ":5070"
      SPACEMESH_SQLITE             = "/data/state.sql"
      SPACEMESH_GENESIS_TIME       = "2026-09-01T12:00:00Z"
      SPACEMESH_LAYER_DURATION     = "5m0s"
      SPACEMESH_LAYERS_PER_EPOCH   = "288"
      SPACEMESH_LABELS_PER_UNIT    = "4096"
      SPACEMESH_TESTNET            = "true"
      ALLOWED_ORIGINS              = "https://118.explore.example.org,https://118.dash.example.org"
      SPACEMESH_CACHE_TTL          = "1h"
      SPACEMESH_SHORT_CACHE_TTL    = "5m"
    }
    error_message = "The stats API's environment must carry the network's genesis time, layer duration, layers per epoch, labels per unit, testnet flag and the frontends' origins."
  }

  assert {
    condition     = [for s in helm_release.api_node.set : s.value if s.name == "statsApi.image"] == ["spacemeshos/explorer-stats-api:v2.1.0"]
    error_message = "The stats API runs its release."
  }
}

run "stats_api_redis_optional" {
  command = plan

  variables {
    stats_api = { redis_url = "redis://redis.cache:6379/0" }
  }

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).statsApi.env.SPACEMESH_REDIS == "redis://redis.cache:6379/0"
    error_message = "With redis_url the stats API caches in Redis."
  }
}

run "mainnet_hrp_is_not_testnet" {
  command = plan

  override_resource {
    target          = spacemesh_network.this
    override_during = plan
    values = {
      hrp              = "sm"
      labels_per_unit  = 4294967296
      allowed_origins  = ["https://118.explore.example.org", "https://118.dash.example.org"]
      stats_api_host   = "118.stats.example.org"
      api_host         = "118.api.example.org"
      explorer_host    = "118.explore.example.org"
      dash_host        = "118.dash.example.org"
      api_node_config  = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4294967296}}"
      genesis_time     = "2026-09-01T12:00:00Z"
      layer_duration   = "5m0s"
      layers_per_epoch = 288
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

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).statsApi.env.SPACEMESH_TESTNET == "false" && yamldecode(helm_release.api_node.values[0]).statsApi.env.SPACEMESH_LABELS_PER_UNIT == "4294967296"
    error_message = "A mainnet HRP turns the testnet preset off; labels per unit follow the config."
  }
}

# Nothing listens publicly on the stats API's refresh (:5050) or metrics (:5070) ports or on the
# node's private port: no Service carries them, no route reaches them, and the NetworkPolicy admits
# the ingress controller to the serving ports only.
run "only_public_ports_reachable" {
  command = plan

  assert {
    condition     = sort([for p in kubernetes_network_policy_v1.from_ingress.spec[0].ingress[0].ports : p.port]) == tolist(["5000", "9091", "9092"])
    error_message = "The ingress controller reaches exactly the node's public gRPC and JSON listeners and the stats API's :5000: never 5050, 5070 or 9093."
  }

  assert {
    condition = (
      [for p in kubernetes_network_policy_v1.stats_refresh.spec[0].ingress[0].ports : p.port] == ["5050"] &&
      kubernetes_network_policy_v1.stats_refresh.spec[0].ingress[0].from[0].pod_selector[0].match_labels == tomap({ "spacemesh.io/stats-refresher" = "true" }) &&
      length(kubernetes_network_policy_v1.stats_refresh.spec[0].ingress[0].from[0].namespace_selector) == 0
    )
    error_message = "The refresh port is reached only by the refresh CronJob's pods in the namespace."
  }

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ports.private == 9093 &&
      yamldecode(helm_release.api_node.values[0]).statsApi.ports == { http = 5000, refresh = 5050, metrics = 5070 }
    )
    error_message = "The chart is told the private port (9093) and the stats API's internal ports only to keep them out of every Service."
  }

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).nodeConfig == spacemesh_network.this.api_node_config
    error_message = "The API node runs exactly spacemesh_network.api_node_config."
  }

  assert {
    condition     = tolist(kubernetes_network_policy_v1.default_deny.spec[0].policy_types) == tolist(["Ingress"])
    error_message = "The namespace denies ingress by default."
  }
}

run "workload_identity_and_secrets" {
  command = plan

  assert {
    condition     = kubernetes_service_account_v1.workloads.automount_service_account_token == false && kubernetes_service_account_v1.workloads.metadata[0].name == "spacemesh-118"
    error_message = "One service account per network, without an automounted token."
  }

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).serviceAccountName == "spacemesh-118"
    error_message = "The workloads run as the network's service account."
  }

  assert {
    condition = (
      kubernetes_secret_v1.tls[0].type == "kubernetes.io/tls" &&
      kubernetes_secret_v1.tls[0].metadata[0].name == "spacemesh-118-tls" &&
      kubernetes_secret_v1.tls[0].data_wo_revision == 1 &&
      kubernetes_secret_v1.tls[0].data_wo == null &&
      yamldecode(helm_release.api_node.values[0]).ingress.tlsSecretName == "spacemesh-118-tls" &&
      yamldecode(helm_release.api_node.values[0]).statsApi.ingress.tlsSecretName == "spacemesh-118-tls"
    )
    error_message = "The TLS certificate goes from Secret Manager into the Secret's write-only data (never in the plan or state: data_wo is null in the plan); the routes use that Secret. (scripts/test-modules.sh checks that the ephemeral read happened.)"
  }
}

run "images_follow_releases" {
  command = plan

  assert {
    condition     = helm_release.api_node.set[0].name == "image" && helm_release.api_node.set[0].value == "spacemeshos/go-spacemesh:v1.7.6"
    error_message = "A node release tag runs the released image."
  }
}

run "node_release_as_commit_or_image" {
  command = plan

  variables {
    node_release        = "2c898bb30"
    latest_node_release = "1.7.6"
  }

  assert {
    condition     = helm_release.api_node.set[0].value == "spacemeshos/go-spacemesh-dev:2c898bb30"
    error_message = "A commit or branch runs the dev image of that ref."
  }
}

run "uptime_checks_and_alerts" {
  command = plan

  assert {
    condition     = sort(keys(google_monitoring_uptime_check_config.endpoint)) == tolist(["api_grpc", "api_json", "stats_api"])
    error_message = "Every public endpoint has an uptime check: the JSON gateway, gRPC and the stats API."
  }

  assert {
    condition = (
      google_monitoring_uptime_check_config.endpoint["api_json"].http_check[0].request_method == "POST" &&
      google_monitoring_uptime_check_config.endpoint["api_json"].http_check[0].path == "/spacemesh.v2alpha1.NodeService/Status" &&
      google_monitoring_uptime_check_config.endpoint["api_json"].content_matchers[0].content == "SYNC_STATUS_SYNCED" &&
      alltrue([for c in google_monitoring_uptime_check_config.endpoint : c.http_check[0].port == 443 && c.http_check[0].use_ssl && c.http_check[0].validate_ssl])
    )
    error_message = "Every check is https on 443; the JSON gateway's passes only when NodeService/Status says SYNC_STATUS_SYNCED."
  }

  assert {
    condition = (
      google_monitoring_uptime_check_config.endpoint["api_grpc"].http_check[0].custom_content_type == "application/grpc" &&
      google_monitoring_uptime_check_config.endpoint["api_grpc"].http_check[0].body == "AAAAAAA=" &&
      length(google_monitoring_uptime_check_config.endpoint["api_grpc"].tcp_check) == 0
    )
    error_message = "gRPC is checked with a gRPC request through the content-type route, not a bare TCP connect."
  }

  assert {
    condition     = google_monitoring_uptime_check_config.endpoint["stats_api"].http_check[0].path == "/overview" && google_monitoring_uptime_check_config.endpoint["stats_api"].content_matchers[0].content == "\"layers_count\""
    error_message = "The stats API is checked on /overview, whose JSON must be there."
  }

  assert {
    condition = alltrue([
      for p in concat(values(google_monitoring_alert_policy.endpoint_down), values(google_monitoring_alert_policy.slo_burn)) :
      tolist(p.notification_channels) == tolist(["projects/sm-web-test/notificationChannels/123"])
    ]) && length(google_monitoring_alert_policy.endpoint_down) == 3
    error_message = "Every alert goes to the given notification channel."
  }

  assert {
    condition     = alltrue([for s in google_monitoring_slo.availability : s.goal == 0.967 && s.rolling_period_days == 30 && strcontains(s.display_name, ": 96.7% of")])
    error_message = "Each endpoint has a 96.7% availability objective over 30 days, named as people write it (not 96.70000000000002%)."
  }
}

run "discovery_entry_is_the_networks" {
  command = plan

  assert {
    condition = alltrue([
      for k in ["net_id", "net_name", "conf", "api_json", "api_grpc", "explorer", "dash", "min_node_release", "latest_node_release", "min_smapp_release", "latest_smapp_release", "smapp_base_download_url", "node_base_download_url", "genesis_id", "stats_api", "dash_api", "explorer_api"] :
      spacemesh_discovery_entry.this[k] == spacemesh_network.this.discovery_entry[k]
    ])
    error_message = "The discovery entry must carry exactly spacemesh_network.discovery_entry."
  }

  assert {
    condition = (
      spacemesh_discovery_entry.this.stats_api == "https://118.stats.example.org" &&
      spacemesh_discovery_entry.this.api_json == "https://118.api.example.org" &&
      spacemesh_discovery_entry.this.api_grpc == "https://118.api.example.org" &&
      length(spacemesh_discovery_entry.this.extra) == 0
    )
    error_message = "The entry publishes the stats API and one API host on 443 for gRPC and JSON, through the provider's attributes (nothing in extra)."
  }

  assert {
    condition     = spacemesh_discovery_entry.this.wait_for_sync == true && spacemesh_discovery_entry.this.sync_timeout == "30m"
    error_message = "A network enters the document only once its public JSON API reports synced."
  }
}

# Cloudflare's protection of the proxied host cannot be bypassed through the ingress address.
run "proxied_host_only_from_cloudflare" {
  command = plan

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).statsApi.ingress.sourceRanges == ["173.245.48.0/20", "103.21.244.0/22", "2400:cb00::/32"]
    error_message = "The stats host admits only Cloudflare's published ranges."
  }
}

run "volumes_retained_by_default" {
  command = plan

  assert {
    condition = (
      kubernetes_storage_class_v1.volumes[0].reclaim_policy == "Retain" &&
      kubernetes_storage_class_v1.volumes[0].allow_volume_expansion == true &&
      kubernetes_storage_class_v1.volumes[0].metadata[0].name == "spacemesh-118" &&
      yamldecode(helm_release.api_node.values[0]).persistence.storageClassName == "spacemesh-118" &&
      yamldecode(helm_release.api_node.values[0]).persistence.whenDeleted == "Retain"
    )
    error_message = "Retiring a network keeps its disks by default: claims retained, volumes reclaimed by Retain."
  }
}

run "volumes_deleted_when_asked" {
  command = plan

  variables {
    retain_volumes = false
  }

  assert {
    condition     = kubernetes_storage_class_v1.volumes[0].reclaim_policy == "Delete" && yamldecode(helm_release.api_node.values[0]).persistence.whenDeleted == "Delete"
    error_message = "retain_volumes = false deletes the disks with the network."
  }
}

run "images_pinned_and_mirrored" {
  command = plan

  variables {
    image_registry_mirror = "us-docker.pkg.dev/sm-web-test/dockerhub"
    image_digests = {
      node = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    }
    stats_api = { refresh_image = "redis:7" }
  }

  assert {
    condition = (
      helm_release.api_node.set[0].value == "us-docker.pkg.dev/sm-web-test/dockerhub/spacemeshos/go-spacemesh:v1.7.6@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" &&
      helm_release.api_node.set[1].value == "us-docker.pkg.dev/sm-web-test/dockerhub/spacemeshos/explorer-stats-api:v2.1.0" &&
      yamldecode(helm_release.api_node.values[0]).statsApi.refresh.image == "us-docker.pkg.dev/sm-web-test/dockerhub/library/redis:7"
    )
    error_message = "Docker Hub images are pulled through the mirror (official images under library/), pinned by digest where one is given."
  }
}

run "images_with_their_own_registry_are_not_mirrored" {
  command = plan

  variables {
    node_release          = "ghcr.io/spacemeshos/go-spacemesh:v1.7.6"
    latest_node_release   = "1.7.6"
    image_registry_mirror = "us-docker.pkg.dev/sm-web-test/dockerhub"
  }

  assert {
    condition     = helm_release.api_node.set[0].value == "ghcr.io/spacemeshos/go-spacemesh:v1.7.6"
    error_message = "An image on another registry is pulled from there."
  }
}

run "certificate_and_disk_alerts" {
  command = plan

  assert {
    condition = (
      length(google_monitoring_alert_policy.resources.conditions) == 2 &&
      [for c in google_monitoring_alert_policy.resources.conditions : c.display_name if strcontains(c.display_name, "certificate of")] == ["api_json: certificate of 118.api.example.org expires in less than 21 days"] &&
      length([for c in google_monitoring_alert_policy.resources.conditions : c if strcontains(c.display_name, "certificate of") && c.condition_threshold[0].threshold_value == 21 && c.condition_threshold[0].comparison == "COMPARISON_LT"]) == 1 &&
      !anytrue([for c in google_monitoring_alert_policy.resources.conditions : strcontains(c.display_name, "118.stats.example.org")]) &&
      length(google_monitoring_alert_policy.cert_manager_certificates) == 0 &&
      [for c in google_monitoring_alert_policy.resources.conditions : [c.condition_threshold[0].filter, c.condition_threshold[0].threshold_value] if strcontains(c.display_name, "disk")] == [["metric.type=\"kubernetes.io/pod/volume/utilization\" AND resource.type=\"k8s_pod\" AND resource.label.\"namespace_name\"=\"spacemesh-118\" AND metric.label.\"volume_name\"=\"data\"", 0.85]]
    )
    error_message = "The API nodes' disk usage alerts, and so does the certificate's expiry where an uptime check sees it, at the origin: the DNS-only API host (one certificate Secret serves it and the stats host). The Cloudflare-proxied stats host's checks would see Cloudflare's edge certificate, so no condition reads them."
  }
}

# The checks inside the module report a dead endpoint (as a warning, never blocking an apply).
run "checks_report_a_dead_json_api" {
  command = plan

  override_data {
    target          = data.http.network_info
    override_during = plan
    values = {
      status_code   = 503
      response_body = "no healthy upstream"
    }
  }

  override_data {
    target          = data.http.overview
    override_during = plan
    values = {
      status_code   = 200
      response_body = "{\"layers_count\": 12}"
    }
  }

  override_data {
    target          = data.spacemesh_discovery.published
    override_during = plan
    values = {
      net_ids = [118]
    }
  }

  expect_failures = [check.api_json]
}
