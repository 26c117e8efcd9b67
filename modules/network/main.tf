locals {
  net_id    = tostring(var.net_id)
  namespace = coalesce(var.namespace, "spacemesh-${local.net_id}")

  # ---- host names -------------------------------------------------------------------------------
  # The same substitution the provider performs for api/explorer/dash (it is handed the same
  # patterns; a postcondition on spacemesh_network checks the two agree). Computing them here keeps
  # every host name known at plan time.
  host_patterns = {
    api          = var.api_host_pattern
    explorer     = var.explorer_host_pattern
    dash         = var.dash_host_pattern
    explorer_api = var.explorer_api_host_pattern
    dash_api     = var.dash_api_host_pattern
  }
  hosts = {
    for k, p in local.host_patterns : k => lower(replace(replace(p, "{net_id}", local.net_id), "{domain}", var.domain))
  }

  frontends = var.frontends.enabled ? {
    explorer = { release = var.frontends.explorer_release, repository = var.frontends.explorer_image_repository, host = local.hosts.explorer }
    dash     = { release = var.frontends.dash_release, repository = var.frontends.dash_image_repository, host = local.hosts.dash }
  } : {}

  explorer_api_url = "https://${local.hosts.explorer_api}/"
  dash_api_url     = "wss://${local.hosts.dash_api}/ws"

  # ---- public endpoints -------------------------------------------------------------------------
  # Every public endpoint: which DNS record (host) carries it, its port, and whether it is gRPC.
  endpoints = merge(
    {
      api_json     = { record = "api", port = var.api_json_port, grpc = false, probe = "json_info" }
      api_grpc     = { record = "api", port = var.api_grpc_port, grpc = true, probe = "tcp" }
      explorer_api = { record = "explorer_api", port = 443, grpc = false, probe = "healthz" }
      dash_api     = { record = "dash_api", port = 443, grpc = false, probe = "healthz" }
    },
    { for k, f in local.frontends : k => { record = k, port = 443, grpc = false, probe = "root" } },
  )

  # Ports Cloudflare can proxy for https. gRPC is never proxied (DNS-only: TLS ends at the ingress),
  # and a host is proxied only when every endpoint it carries can be.
  cloudflare_proxy_ports = [443, 2053, 2083, 2087, 2096, 8443]
  dns_records = {
    for r in distinct([for e in values(local.endpoints) : e.record]) : r => {
      host = local.hosts[r]
      proxied = alltrue([
        for e in values(local.endpoints) : !e.grpc && contains(local.cloudflare_proxy_ports, e.port) if e.record == r
      ])
    }
  }

  # ---- images -------------------------------------------------------------------------------------
  node_release_is_image  = can(regex("[/:@]", var.node_release))
  node_release_is_semver = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", var.node_release))
  node_image = (
    local.node_release_is_image ? var.node_release :
    local.node_release_is_semver ? "${var.node_image_repository}:${var.node_release}" :
    "${var.node_dev_image_repository}:${var.node_release}"
  )
  latest_node_release = var.latest_node_release != null ? var.latest_node_release : (local.node_release_is_semver ? var.node_release : null)

  images = {
    collector = "${var.backend_image_repositories.collector}:${var.explorer_backend_release}"
    apiserver = "${var.backend_image_repositories.apiserver}:${var.explorer_backend_release}"
    dash      = "${var.backend_image_repositories.dash}:${var.dash_backend_release}"
  }

  # ---- the API node config (as the provider rendered it) -----------------------------------------
  api_node_config = jsondecode(spacemesh_network.this.api_node_config)
  private_port    = tonumber(regex(":([0-9]+)$", try(local.api_node_config.api["grpc-private-listener"], "127.0.0.1:9093"))[0])

  # ---- ingress -------------------------------------------------------------------------------------
  traefik = var.ingress.flavor == "traefik"
  entrypoint_annotations = {
    for port in distinct([443, var.api_json_port, var.api_grpc_port]) : tostring(port) => local.traefik ? {
      "traefik.ingress.kubernetes.io/router.entrypoints" = lookup(var.ingress.entrypoints, tostring(port), "https-${port}")
      "traefik.ingress.kubernetes.io/router.tls"         = "true"
    } : {}
  }
  tls_annotations = var.tls.cert_manager_cluster_issuer != null ? {
    "cert-manager.io/cluster-issuer" = var.tls.cert_manager_cluster_issuer
  } : {}
  ingress_annotations = {
    web      = merge(local.entrypoint_annotations["443"], local.tls_annotations, var.ingress.annotations.web)
    api_json = merge(local.entrypoint_annotations[tostring(var.api_json_port)], local.tls_annotations, var.ingress.annotations.api_json)
    # Same host as the JSON Ingress: it uses the certificate cert-manager issues for that one (two
    # Ingresses asking for one Secret would make cert-manager fight over it).
    api_grpc = merge(local.entrypoint_annotations[tostring(var.api_grpc_port)], var.ingress.annotations.api_grpc)
  }
  grpc_service_annotations = merge(
    local.traefik ? { "traefik.ingress.kubernetes.io/service.serversscheme" = "h2c" } : {},
    var.ingress.annotations.grpc_service,
  )
  # One certificate Secret per network covers all of its host names. With cert-manager, each host
  # gets its own Secret (cert-manager issues per Ingress).
  tls_secret_name = coalesce(var.tls.existing_secret_name, "spacemesh-${local.net_id}-tls")
  tls_secret_for  = { for k in ["api", "explorer_api", "dash_api", "explorer", "dash"] : k => var.tls.cert_manager_cluster_issuer != null ? "${replace(k, "_", "-")}-tls" : local.tls_secret_name }

  # ---- helm ------------------------------------------------------------------------------------------
  chart_dirs = {
    api_node  = "${path.module}/charts/api-node"
    explorer  = "${path.module}/charts/explorer"
    dashboard = "${path.module}/charts/dashboard"
    frontend  = "${path.module}/charts/frontend"
  }
  # helm does not notice a local chart's template edits without a version bump; a checksum of the
  # chart's files in the values makes any edit an upgrade.
  chart_checksums = {
    for k, d in local.chart_dirs : k => sha256(join("", [for f in sort(fileset(d, "**")) : filesha256("${d}/${f}")]))
  }
  storage_class = var.storage_class_name == null ? "" : var.storage_class_name
  network_values = {
    id   = local.net_id
    name = var.name
  }

  common_labels = {
    "app.kubernetes.io/part-of"    = "spacemesh"
    "app.kubernetes.io/managed-by" = "terraform"
    "spacemesh.io/net-id"          = local.net_id
  }
}

# ================================================================================================
# The network
# ================================================================================================

resource "spacemesh_network" "this" {
  name        = var.name
  net_id      = var.net_id
  config_url  = var.config_url
  config_json = var.config_json
  domain      = var.domain

  node_release            = var.node_release
  min_node_release        = var.min_node_release
  latest_node_release     = local.latest_node_release
  min_smapp_release       = var.min_smapp_release
  latest_smapp_release    = var.latest_smapp_release
  smapp_base_download_url = var.smapp_base_download_url
  node_base_download_url  = var.node_base_download_url

  api_host_pattern      = var.api_host_pattern
  explorer_host_pattern = var.explorer_host_pattern
  dash_host_pattern     = var.dash_host_pattern
  api_json_port         = var.api_json_port
  api_grpc_port         = var.api_grpc_port

  lifecycle {
    postcondition {
      condition     = self.api_host == local.hosts.api && self.explorer_host == local.hosts.explorer && self.dash_host == local.hosts.dash
      error_message = "The provider's host names (${self.api_host}, ${self.explorer_host}, ${self.dash_host}) differ from the module's (${local.hosts.api}, ${local.hosts.explorer}, ${local.hosts.dash}): DNS and Ingresses would not match the discovery entry."
    }

    # Defence in depth: the API node's private listener (smeshing, admin) must stay on loopback and
    # the public listeners on the ports the Services and Ingresses route to.
    postcondition {
      condition = (
        can(regex("^(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+$", jsondecode(self.api_node_config).api["grpc-private-listener"])) &&
        endswith(jsondecode(self.api_node_config).api["grpc-public-listener"], ":${var.api_grpc_port}") &&
        endswith(jsondecode(self.api_node_config).api["grpc-json-listener"], ":${var.api_json_port}")
      )
      error_message = "api_node_config must keep grpc-private-listener on loopback and put the public gRPC and JSON listeners on ports ${var.api_grpc_port} and ${var.api_json_port}."
    }
  }
}

# ================================================================================================
# Kubernetes: namespace, identity, certificate, network policy
# ================================================================================================

resource "kubernetes_namespace_v1" "this" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name = local.namespace
    labels = merge(local.common_labels, {
      # The node image runs as root (no privilege escalation, no capabilities): baseline, not restricted.
      "pod-security.kubernetes.io/enforce" = "baseline"
      "pod-security.kubernetes.io/warn"    = "restricted"
    })
  }
}

locals {
  # Depend on the namespace when this module creates it.
  ns = var.create_namespace ? kubernetes_namespace_v1.this[0].metadata[0].name : local.namespace
}

# The one identity of the network's pods: no RBAC binding, no token mounted. Nothing in a network
# talks to the Kubernetes API.
resource "kubernetes_service_account_v1" "workloads" {
  metadata {
    name      = "spacemesh-${local.net_id}"
    namespace = local.ns
    labels    = local.common_labels
  }
  automount_service_account_token = false
}

# The certificate, copied from Secret Manager (only when tls.secret_manager is used). The key
# passes through Terraform's state (marked sensitive): keep state encrypted (Terraform Cloud does), or
# use tls.cert_manager_cluster_issuer, with which no key material reaches Terraform at all.
# (Ephemeral reads into the Secret's write-only data would keep it out of state, but mock providers
# in Terraform 1.11 cannot serve ephemeral resources, so the module's tests could not run.)
locals {
  tls_from_secret_manager = var.tls.secret_manager != null
}

data "google_secret_manager_secret_version" "tls_certificate" {
  count   = local.tls_from_secret_manager ? 1 : 0
  project = var.tls.secret_manager.project
  secret  = var.tls.secret_manager.certificate_secret
  version = var.tls.secret_manager.version
}

data "google_secret_manager_secret_version" "tls_private_key" {
  count   = local.tls_from_secret_manager ? 1 : 0
  project = var.tls.secret_manager.project
  secret  = var.tls.secret_manager.private_key_secret
  version = var.tls.secret_manager.version
}

resource "kubernetes_secret_v1" "tls" {
  count = local.tls_from_secret_manager ? 1 : 0

  metadata {
    name      = local.tls_secret_name
    namespace = local.ns
    labels    = local.common_labels
  }
  type = "kubernetes.io/tls"
  data = {
    "tls.crt" = data.google_secret_manager_secret_version.tls_certificate[0].secret_data
    "tls.key" = data.google_secret_manager_secret_version.tls_private_key[0].secret_data
  }
}

# Nothing reaches the network's pods unless admitted below.
resource "kubernetes_network_policy_v1" "default_deny" {
  metadata {
    name      = "default-deny-ingress"
    namespace = local.ns
    labels    = local.common_labels
  }
  spec {
    pod_selector {}
    policy_types = ["Ingress"]
  }
}

# The ingress controller reaches the pods that serve the public (only their serving ports are in
# Services; the node's private port listens on loopback and is in none).
resource "kubernetes_network_policy_v1" "from_ingress" {
  metadata {
    name      = "allow-from-ingress-controller"
    namespace = local.ns
    labels    = local.common_labels
  }
  spec {
    pod_selector {
      match_labels = { "spacemesh.io/exposed" = "true" }
    }
    policy_types = ["Ingress"]
    ingress {
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.ingress.namespace }
        }
      }
      dynamic "ports" {
        for_each = toset(distinct([var.api_json_port, var.api_grpc_port, 5000, 8080, var.frontends.port]))
        content {
          port     = tostring(ports.value)
          protocol = "TCP"
        }
      }
    }
  }
}

resource "kubernetes_network_policy_v1" "mongo_clients" {
  metadata {
    name      = "allow-mongo-clients"
    namespace = local.ns
    labels    = local.common_labels
  }
  spec {
    pod_selector {
      match_labels = { "app.kubernetes.io/component" = "mongo" }
    }
    policy_types = ["Ingress"]
    ingress {
      from {
        pod_selector {
          match_labels = { "spacemesh.io/mongo-client" = "true" }
        }
      }
      ports {
        port     = "27017"
        protocol = "TCP"
      }
    }
  }
}

# ================================================================================================
# Workloads (charts in ./charts; nothing is fetched from a chart repository)
# ================================================================================================

resource "helm_release" "api_node" {
  name        = "api-node"
  namespace   = local.ns
  chart       = local.chart_dirs.api_node
  wait        = var.helm_wait
  timeout     = var.helm_timeout
  max_history = 10

  values = [yamlencode({
    chartChecksum      = local.chart_checksums.api_node
    network            = local.network_values
    replicas           = var.api_node.replicas
    serviceAccountName = kubernetes_service_account_v1.workloads.metadata[0].name
    nodeConfig         = spacemesh_network.this.api_node_config
    ports = {
      grpc    = var.api_grpc_port
      json    = var.api_json_port
      private = local.private_port
    }
    service = {
      grpc = { port = var.api_grpc_port, annotations = local.grpc_service_annotations }
      json = { port = var.api_json_port, annotations = {} }
    }
    ingress = {
      enabled       = true
      className     = var.ingress.class_name
      host          = local.hosts.api
      tlsSecretName = local.tls_secret_for.api
      grpc          = { annotations = local.ingress_annotations.api_grpc }
      json          = { annotations = local.ingress_annotations.api_json }
    }
    persistence = { size = var.api_node.storage_size, storageClassName = local.storage_class }
    resources = {
      requests = { cpu = var.api_node.cpu_request, memory = var.api_node.memory_request }
      limits   = { memory = var.api_node.memory_limit }
    }
  })]

  # The release is its own entry so that a node upgrade reads as one changed value in the plan.
  set = [
    { name = "image", value = local.node_image },
  ]

  depends_on = [kubernetes_network_policy_v1.default_deny, kubernetes_secret_v1.tls]
}

resource "helm_release" "explorer" {
  name        = "explorer"
  namespace   = local.ns
  chart       = local.chart_dirs.explorer
  wait        = var.helm_wait
  timeout     = var.helm_timeout
  max_history = 10

  values = [yamlencode({
    chartChecksum      = local.chart_checksums.explorer
    network            = { id = local.net_id, hrp = spacemesh_network.this.hrp }
    serviceAccountName = kubernetes_service_account_v1.workloads.metadata[0].name
    node = {
      config      = spacemesh_network.this.api_node_config
      ports       = { grpc = var.api_grpc_port, private = local.private_port }
      persistence = { size = var.collector_node_storage_size, storageClassName = local.storage_class }
    }
    mongo = {
      persistence = { size = var.mongo_storage_size, storageClassName = local.storage_class }
    }
    apiserver = {
      replicas       = var.web_replicas
      allowedOrigins = [for k in ["explorer", "dash"] : "https://${local.hosts[k]}"]
    }
    ingress = {
      enabled       = true
      className     = var.ingress.class_name
      host          = local.hosts.explorer_api
      tlsSecretName = local.tls_secret_for.explorer_api
      annotations   = local.ingress_annotations.web
    }
  })]

  set = [
    { name = "node.image", value = local.node_image },
    { name = "collector.image", value = local.images.collector },
    { name = "apiserver.image", value = local.images.apiserver },
  ]

  depends_on = [kubernetes_network_policy_v1.mongo_clients, kubernetes_secret_v1.tls]
}

resource "helm_release" "dashboard" {
  name        = "dashboard"
  namespace   = local.ns
  chart       = local.chart_dirs.dashboard
  wait        = var.helm_wait
  timeout     = var.helm_timeout
  max_history = 10

  values = [yamlencode({
    chartChecksum      = local.chart_checksums.dashboard
    network            = { id = local.net_id }
    serviceAccountName = kubernetes_service_account_v1.workloads.metadata[0].name
    replicas           = var.web_replicas
    # The store the explorer collector fills (service <explorer release>-mongo).
    mongo = { uri = "mongodb://${helm_release.explorer.name}-mongo:27017", database = "explorer" }
    ingress = {
      enabled       = true
      className     = var.ingress.class_name
      host          = local.hosts.dash_api
      tlsSecretName = local.tls_secret_for.dash_api
      annotations   = local.ingress_annotations.web
    }
  })]

  set = [
    { name = "image", value = local.images.dash },
  ]
}

resource "helm_release" "frontend" {
  for_each = local.frontends

  name        = "${each.key}-frontend"
  namespace   = local.ns
  chart       = local.chart_dirs.frontend
  wait        = var.helm_wait
  timeout     = var.helm_timeout
  max_history = 10

  values = [yamlencode({
    chartChecksum      = local.chart_checksums.frontend
    network            = { id = local.net_id }
    component          = each.key
    serviceAccountName = kubernetes_service_account_v1.workloads.metadata[0].name
    replicas           = var.web_replicas
    port               = var.frontends.port
    ingress = {
      enabled       = true
      className     = var.ingress.class_name
      host          = each.value.host
      tlsSecretName = local.tls_secret_for[each.key]
      annotations   = local.ingress_annotations.web
    }
  })]

  set = [
    { name = "image", value = "${each.value.repository}:${each.value.release}" },
  ]

  depends_on = [kubernetes_network_policy_v1.from_ingress, kubernetes_secret_v1.tls]
}

# ================================================================================================
# DNS
# ================================================================================================

resource "cloudflare_dns_record" "this" {
  for_each = local.dns_records

  zone_id = var.cloudflare_zone_id
  name    = each.value.host
  type    = "A"
  content = var.ingress.ip_address
  proxied = each.value.proxied
  ttl     = each.value.proxied ? 1 : 300 # 1 = automatic, required while proxied
  comment = "Spacemesh network ${local.net_id} ${each.key} (managed by Terraform, modules/network)"
}
