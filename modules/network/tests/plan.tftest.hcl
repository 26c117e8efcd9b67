# Module logic with every provider mocked (spacemesh_network's computed values given as the real
# provider computes them for net 118 on example.org). Plan-only: fast, and nothing is written.

mock_provider "google" {}
mock_provider "helm" {}
mock_provider "kubernetes" {}
mock_provider "cloudflare" {}

mock_provider "spacemesh" {
  source = "./tests/mocks/spacemesh"
}

variables {
  net_id                   = 118
  name                     = "TweedleDee Open Testnet 118"
  config_url               = "https://configs.example.org/testnet-118.json"
  node_release             = "v1.7.6"
  min_node_release         = "1.7.0"
  min_smapp_release        = "1.6.0"
  latest_smapp_release     = "1.7.2"
  smapp_base_download_url  = "https://smapp.example.org/dist"
  node_base_download_url   = "https://downloads.example.org/go-spacemesh"
  explorer_backend_release = "v1.7.7"
  dash_backend_release     = "v1.2.0"
  frontends                = { explorer_release = "v2.1.0", dash_release = "v1.4.0" }
  domain                   = "example.org"
  cloudflare_zone_id       = "0123456789abcdef0123456789abcdef"
  project_id               = "sm-web-test"
  notification_channels    = ["projects/sm-web-test/notificationChannels/123"]
  ingress                  = { ip_address = "203.0.113.10" }
  tls = {
    secret_manager = { project = "sm-secrets", certificate_secret = "t118-crt", private_key_secret = "t118-key" }
  }
}

run "host_names_carry_net_id_and_domain" {
  command = plan

  assert {
    condition     = sort(keys(cloudflare_dns_record.this)) == tolist(["api", "dash", "dash_api", "explorer", "explorer_api"])
    error_message = "One DNS record per public host: api, explorer, dash, explorer_api, dash_api."
  }

  assert {
    condition = alltrue([
      for r in cloudflare_dns_record.this : can(regex("(^|[.-])118[.-]", r.name)) && endswith(r.name, ".example.org")
    ])
    error_message = "Every host name must contain the net id and end in the domain."
  }

  assert {
    condition = {
      for k, r in cloudflare_dns_record.this : k => r.name
      } == {
      api          = "118.api.example.org"
      explorer     = "118.explore.example.org"
      dash         = "118.dash.example.org"
      explorer_api = "118.explorer-api.example.org"
      dash_api     = "118.dash-api.example.org"
    }
    error_message = "Host names must follow the documented patterns."
  }

  assert {
    condition     = alltrue([for r in cloudflare_dns_record.this : r.type == "A" && r.content == "203.0.113.10" && r.zone_id == "0123456789abcdef0123456789abcdef"])
    error_message = "Records point at the ingress controller's address, in the given zone."
  }

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ingress.host == "118.api.example.org" &&
      yamldecode(helm_release.explorer.values[0]).ingress.host == "118.explorer-api.example.org" &&
      yamldecode(helm_release.dashboard.values[0]).ingress.host == "118.dash-api.example.org" &&
      yamldecode(helm_release.frontend["explorer"].values[0]).ingress.host == "118.explore.example.org" &&
      yamldecode(helm_release.frontend["dash"].values[0]).ingress.host == "118.dash.example.org"
    )
    error_message = "Each Ingress serves the host its DNS record names."
  }

  assert {
    condition     = kubernetes_namespace_v1.this[0].metadata[0].name == "spacemesh-118" && alltrue([for r in helm_release.frontend : r.namespace == "spacemesh-118"]) && helm_release.api_node.namespace == "spacemesh-118"
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
    condition     = alltrue([for k in ["explorer", "dash", "explorer_api", "dash_api"] : cloudflare_dns_record.this[k].proxied == true && cloudflare_dns_record.this[k].ttl == 1])
    error_message = "Hosts served on 443 only are proxied by Cloudflare (automatic TTL)."
  }
}

run "grpc_never_proxied_even_on_a_proxyable_port" {
  command = plan

  variables {
    api_json_port = 8443
    api_grpc_port = 2053
  }

  override_resource {
    target          = spacemesh_network.this
    override_during = plan
    values = {
      api_host        = "118.api.example.org"
      explorer_host   = "118.explore.example.org"
      dash_host       = "118.dash.example.org"
      api_node_config = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:2053\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:8443\"}}"
      discovery_entry = {
        net_id                  = 118
        net_name                = "TweedleDee Open Testnet 118"
        conf                    = "https://configs.example.org/testnet-118.json"
        api_json                = "https://118.api.example.org:9091"
        api_grpc                = "https://118.api.example.org:9092"
        explorer                = "https://118.explore.example.org/"
        dash                    = "https://118.dash.example.org/"
        min_node_release        = "1.7.0"
        latest_node_release     = "v1.7.6"
        min_smapp_release       = "1.6.0"
        latest_smapp_release    = "1.7.2"
        smapp_base_download_url = "https://smapp.example.org/dist"
        node_base_download_url  = "https://downloads.example.org/go-spacemesh"
        genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
      }
    }
  }

  assert {
    condition     = cloudflare_dns_record.this["api"].proxied == false
    error_message = "gRPC is DNS-only whatever its port."
  }

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).ingress.grpc.annotations["traefik.ingress.kubernetes.io/router.entrypoints"] == "https-2053" &&
      yamldecode(helm_release.api_node.values[0]).ingress.json.annotations["traefik.ingress.kubernetes.io/router.entrypoints"] == "https-8443"
    )
    error_message = "Ports without a configured entry point get the https-<port> entry point name."
  }
}

run "only_public_ports_in_services" {
  command = plan

  assert {
    condition = (
      yamldecode(helm_release.api_node.values[0]).service.grpc.port == 9092 &&
      yamldecode(helm_release.api_node.values[0]).service.json.port == 9091 &&
      yamldecode(helm_release.api_node.values[0]).ports.private == 9093
    )
    error_message = "The API node's Services carry the public gRPC (9092) and JSON (9091) ports; the chart is told the private port (9093) only to refuse it."
  }

  assert {
    condition = !contains(
      [for p in kubernetes_network_policy_v1.from_ingress.spec[0].ingress[0].ports : p.port],
      "9093"
    )
    error_message = "The ingress controller is never admitted to the private port."
  }

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).service.grpc.annotations["traefik.ingress.kubernetes.io/service.serversscheme"] == "h2c"
    error_message = "The gRPC Service speaks h2c to the node."
  }

  assert {
    condition     = yamldecode(helm_release.api_node.values[0]).nodeConfig == spacemesh_network.this.api_node_config
    error_message = "The API node runs exactly spacemesh_network.api_node_config."
  }
}

run "workload_identity_and_secrets" {
  command = plan

  assert {
    condition     = kubernetes_service_account_v1.workloads.automount_service_account_token == false && kubernetes_service_account_v1.workloads.metadata[0].name == "spacemesh-118"
    error_message = "One service account per network, without an automounted token."
  }

  assert {
    condition = alltrue([
      for v in concat([helm_release.api_node.values[0], helm_release.explorer.values[0], helm_release.dashboard.values[0]], [for r in helm_release.frontend : r.values[0]]) :
      yamldecode(v).serviceAccountName == "spacemesh-118"
    ])
    error_message = "Every workload runs as the network's service account."
  }

  assert {
    condition = (
      kubernetes_secret_v1.tls[0].type == "kubernetes.io/tls" &&
      kubernetes_secret_v1.tls[0].metadata[0].name == "spacemesh-118-tls" &&
      data.google_secret_manager_secret_version.tls_certificate[0].secret == "t118-crt" &&
      data.google_secret_manager_secret_version.tls_private_key[0].secret == "t118-key" &&
      data.google_secret_manager_secret_version.tls_private_key[0].project == "sm-secrets" &&
      yamldecode(helm_release.api_node.values[0]).ingress.tlsSecretName == "spacemesh-118-tls"
    )
    error_message = "The TLS certificate comes from Secret Manager by reference into the Secret the Ingresses use."
  }

  assert {
    condition     = tolist(kubernetes_network_policy_v1.default_deny.spec[0].policy_types) == tolist(["Ingress"])
    error_message = "The namespace denies ingress by default."
  }
}

run "images_follow_releases" {
  command = plan

  assert {
    condition     = length(helm_release.api_node.set) == 1 && helm_release.api_node.set[0].name == "image" && helm_release.api_node.set[0].value == "spacemeshos/go-spacemesh:v1.7.6"
    error_message = "A node release tag runs the released image."
  }

  assert {
    condition = tomap({ for e in helm_release.explorer.set : e.name => e.value }) == tomap({
      "node.image"      = "spacemeshos/go-spacemesh:v1.7.6"
      "collector.image" = "spacemeshos/explorer-collector:v1.7.7"
      "apiserver.image" = "spacemeshos/explorer-apiserver:v1.7.7"
    })
    error_message = "The collector's node runs the network's node release; the explorer runs its backend release."
  }

  assert {
    condition     = helm_release.frontend["dash"].set[0].value == "spacemeshos/dash-frontend:v1.4.0" && helm_release.frontend["explorer"].set[0].value == "spacemeshos/explorer-frontend:v2.1.0"
    error_message = "Frontends run their releases."
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
    condition     = sort(keys(google_monitoring_uptime_check_config.endpoint)) == tolist(["api_grpc", "api_json", "dash", "dash_api", "explorer", "explorer_api"])
    error_message = "Every public endpoint has an uptime check."
  }

  assert {
    condition = (
      google_monitoring_uptime_check_config.endpoint["api_json"].http_check[0].request_method == "POST" &&
      google_monitoring_uptime_check_config.endpoint["api_json"].http_check[0].path == "/spacemesh.v2alpha1.NetworkService/Info" &&
      google_monitoring_uptime_check_config.endpoint["api_json"].http_check[0].port == 9091 &&
      google_monitoring_uptime_check_config.endpoint["api_json"].http_check[0].use_ssl == true
    )
    error_message = "The JSON gateway is checked with POST NetworkService/Info over https on its port."
  }

  assert {
    condition     = google_monitoring_uptime_check_config.endpoint["api_grpc"].tcp_check[0].port == 9092 && length(google_monitoring_uptime_check_config.endpoint["api_grpc"].http_check) == 0
    error_message = "gRPC is checked at its TLS port."
  }

  assert {
    condition = alltrue([
      for k in ["explorer_api", "dash_api"] : google_monitoring_uptime_check_config.endpoint[k].http_check[0].path == "/healthz"
    ])
    error_message = "The backends are checked on /healthz."
  }

  assert {
    condition = alltrue([
      for c in google_monitoring_uptime_check_config.endpoint : strcontains(c.monitored_resource[0].labels.host, "118") && c.project == "sm-web-test"
    ])
    error_message = "Uptime checks probe the network's own hosts."
  }

  assert {
    condition = alltrue([
      for p in concat(values(google_monitoring_alert_policy.endpoint_down), values(google_monitoring_alert_policy.slo_burn)) :
      tolist(p.notification_channels) == tolist(["projects/sm-web-test/notificationChannels/123"])
    ]) && length(google_monitoring_alert_policy.endpoint_down) == 6
    error_message = "Every alert goes to the given notification channel."
  }

  assert {
    condition     = alltrue([for s in google_monitoring_slo.availability : s.goal == 0.967 && s.rolling_period_days == 30])
    error_message = "Each endpoint has a 96.7% availability objective over 30 days."
  }
}

run "discovery_entry_is_the_networks" {
  command = plan

  assert {
    condition = alltrue([
      for k in ["net_id", "net_name", "conf", "api_json", "api_grpc", "explorer", "dash", "min_node_release", "latest_node_release", "min_smapp_release", "latest_smapp_release", "smapp_base_download_url", "node_base_download_url", "genesis_id"] :
      spacemesh_discovery_entry.this[k] == spacemesh_network.this.discovery_entry[k]
    ])
    error_message = "The discovery entry must carry exactly spacemesh_network.discovery_entry."
  }

  assert {
    condition = spacemesh_discovery_entry.this.extra == tomap({
      explorerAPI = "https://118.explorer-api.example.org/"
      dashAPI     = "wss://118.dash-api.example.org/ws"
    })
    error_message = "The entry publishes the backend URLs as explorerAPI and dashAPI."
  }
}

run "frontends_switched_off" {
  command = plan

  variables {
    frontends = { enabled = false }
  }

  assert {
    condition     = length(helm_release.frontend) == 0 && !contains(keys(cloudflare_dns_record.this), "explorer") && !contains(keys(google_monitoring_uptime_check_config.endpoint), "dash")
    error_message = "With frontends off, no frontend workload, record or check is made."
  }
}
