locals {
  net_id    = tostring(var.net_id)
  namespace = coalesce(var.namespace, "spacemesh-${local.net_id}")

  # ---- host names -------------------------------------------------------------------------------
  # The same substitution the provider performs (it is handed the same patterns; a postcondition on
  # spacemesh_network checks the two agree). Computing them here keeps every host name known at plan
  # time. The explorer and dash hosts are served elsewhere (static frontends); they are named here
  # for the provider's postcondition and the outputs only.
  host_patterns = {
    api      = var.api_host_pattern
    stats    = var.stats_api_host_pattern
    explorer = var.explorer_host_pattern
    dash     = var.dash_host_pattern
  }
  hosts = {
    for k, p in local.host_patterns : k => lower(replace(replace(p, "{net_id}", local.net_id), "{domain}", var.domain))
  }
  stats_api_url = "https://${local.hosts.stats}"
  # The API host on 443 serves the JSON gateway and gRPC.
  api_url = "https://${local.hosts.api}"

  # ---- public endpoints -------------------------------------------------------------------------
  # Every public endpoint: which DNS record (host) carries it and how it is probed. Everything is
  # https on 443. The API host carries gRPC, so Cloudflare never proxies it (DNS-only: TLS ends at
  # the ingress); the stats host is proxied.
  endpoints = {
    api_json  = { record = "api", grpc = false, probe = "json_status" }
    api_grpc  = { record = "api", grpc = true, probe = "grpc" }
    stats_api = { record = "stats", grpc = false, probe = "stats_overview" }
  }
  dns_records = {
    for r in distinct([for e in values(local.endpoints) : e.record]) : r => {
      host    = local.hosts[r]
      proxied = alltrue([for e in values(local.endpoints) : !e.grpc if e.record == r])
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
  # Tags as explorer-backend's release workflow publishes them (.github/workflows/publish.yaml:
  # docker/metadata-action on a release, i.e. the release tag, e.g. v2.1.0).
  stats_api_image = "${var.stats_api.image_repository}:${var.stats_api_release}"

  # Docker Hub references go through the mirror when one is given (an official image, with no
  # namespace, is library/<name> there); references naming their own registry (a first component
  # with a dot or a port, or localhost) are left alone. A digest pins the exact build.
  image_refs = { node = local.node_image, stats_api = local.stats_api_image, refresh = var.stats_api.refresh_image }
  image_on_docker_hub = {
    for k, ref in local.image_refs : k => !can(regex("^([^/]+[.:][^/]*|localhost)/", ref))
  }
  images = {
    for k, ref in local.image_refs : k => join("", [
      var.image_registry_mirror != null && local.image_on_docker_hub[k] ? "${var.image_registry_mirror}/${strcontains(split(":", split("@", ref)[0])[0], "/") ? "" : "library/"}${ref}" : ref,
      var.image_digests[k] == null ? "" : "@${var.image_digests[k]}",
    ])
  }

  # ---- the API node config (as the provider rendered it) -----------------------------------------
  # The listeners' ports are read back from the rendered config: the Services and probes use
  # exactly what the node binds (go-spacemesh api/grpcserver/config.go: public 0.0.0.0:9092,
  # private 127.0.0.1:9093 by default; the JSON gateway only where grpc-json-listener is set).
  api_node_config = jsondecode(spacemesh_network.this.api_node_config)
  listener_port = {
    for k, key in { grpc = "grpc-public-listener", json = "grpc-json-listener", private = "grpc-private-listener" } :
    k => tonumber(regex(":([0-9]+)$", try(local.api_node_config.api[key], k == "private" ? "127.0.0.1:9093" : ""))[0])
  }

  # ---- explorer stats API (explorer-backend cmd/api/main.go) ---------------------------------------
  # Its defaults (30 s layers, 4032 layers per epoch, 1024 labels per unit, genesis 2024-06-21) are
  # wrong for every real network: each is set from spacemesh_network.
  stats_api_ports = { http = 5000, refresh = 5050, metrics = 5070 }
  stats_api_env = merge(
    {
      SPACEMESH_API_LISTEN         = ":${local.stats_api_ports.http}"
      SPACEMESH_REFRESH_API_LISTEN = ":${local.stats_api_ports.refresh}"
      SPACEMESH_METRICS_PORT       = ":${local.stats_api_ports.metrics}"
      # go-spacemesh node/node.go: the state database is <data folder>/state.sql; storage.Setup
      # opens it with mode=ro.
      SPACEMESH_SQLITE           = "/data/state.sql"
      SPACEMESH_GENESIS_TIME     = spacemesh_network.this.genesis_time
      SPACEMESH_LAYER_DURATION   = spacemesh_network.this.layer_duration
      SPACEMESH_LAYERS_PER_EPOCH = tostring(spacemesh_network.this.layers_per_epoch)
      # post.post-labels-per-unit, else the node's default for the config's preset.
      SPACEMESH_LABELS_PER_UNIT = tostring(spacemesh_network.this.labels_per_unit)
      # The testnet preset switches the address HRP to "stest" (cmd/api/main.go); any other HRP
      # is mainnet's "sm".
      SPACEMESH_TESTNET = tostring(spacemesh_network.this.hrp == "stest")
      # The explorer's and dashboard's origins, then cors_origins (what the JSON gateway allows too).
      ALLOWED_ORIGINS           = join(",", spacemesh_network.this.allowed_origins)
      SPACEMESH_CACHE_TTL       = var.stats_api.cache_ttl
      SPACEMESH_SHORT_CACHE_TTL = var.stats_api.short_cache_ttl
    },
    var.stats_api.redis_url == null ? {} : { SPACEMESH_REDIS = var.stats_api.redis_url },
  )

  # ---- ingress -------------------------------------------------------------------------------------
  entrypoint_annotations = {
    "traefik.ingress.kubernetes.io/router.entrypoints" = var.ingress.entrypoint
    "traefik.ingress.kubernetes.io/router.tls"         = "true"
  }
  tls_annotations = var.tls.cert_manager_cluster_issuer != null ? {
    "cert-manager.io/cluster-issuer" = var.tls.cert_manager_cluster_issuer
  } : {}
  ingress_annotations = {
    api_json  = merge(local.entrypoint_annotations, local.tls_annotations, var.ingress.annotations.api_json)
    stats_api = merge(local.entrypoint_annotations, local.tls_annotations, var.ingress.annotations.stats_api)
  }
  # gRPC by content type: application/grpc, application/grpc+<codec> or with parameters (what
  # grpc-go, grpc-js and grpc-go's own server accept: grpc-go internal/grpcutil ContentSubtype).
  # Not application/grpc-web: the node's gRPC listener refuses it (415) and no Spacemesh client
  # speaks it; like everything else that is not gRPC it goes to the JSON gateway. A Traefik v3 rule
  # on the API host, with a priority above the JSON Ingress's router (Traefik's default priority is
  # the rule's length).
  grpc_route = {
    match    = "Host(`${local.hosts.api}`) && HeaderRegexp(`Content-Type`, `^application/grpc($|[+;])`)"
    priority = 1000
  }
  # One certificate Secret per network covers all of its host names. With cert-manager, each Ingress
  # gets its own Secret; the gRPC route shares the API host's.
  tls_secret_name = coalesce(var.tls.existing_secret_name, "spacemesh-${local.net_id}-tls")
  tls_secret_for  = { for k in ["api", "stats"] : k => var.tls.cert_manager_cluster_issuer != null ? "${k}-tls" : local.tls_secret_name }

  # Cloudflare's published edge ranges: the only sources the proxied host accepts.
  cloudflare_source_ranges = var.cloudflare_only ? concat(data.cloudflare_ip_ranges.edge[0].ipv4_cidrs, data.cloudflare_ip_ranges.edge[0].ipv6_cidrs) : []

  # ---- helm ------------------------------------------------------------------------------------------
  chart_dir = "${path.module}/charts/api-node"
  # helm does not notice a local chart's template edits without a version bump; a checksum of the
  # chart's files in the values makes any edit an upgrade.
  chart_checksum = sha256(join("", [for f in sort(fileset(local.chart_dir, "**")) : filesha256("${local.chart_dir}/${f}")]))
  storage_class  = var.storage_class_name == null ? "spacemesh-${local.net_id}" : var.storage_class_name
  # What the StatefulSet's volumeClaimTemplates say; Kubernetes refuses to change them afterwards.
  volume_spec = { size = var.api_node.storage_size, storage_class = local.storage_class }

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

  node_version           = var.node_version
  api_host_pattern       = var.api_host_pattern
  explorer_host_pattern  = var.explorer_host_pattern
  dash_host_pattern      = var.dash_host_pattern
  stats_api_host_pattern = var.stats_api_host_pattern
  cors_origins           = var.cors_origins

  lifecycle {
    postcondition {
      condition     = self.api_host == local.hosts.api && self.explorer_host == local.hosts.explorer && self.dash_host == local.hosts.dash && self.stats_api_host == local.hosts.stats
      error_message = "The provider's host names (${self.api_host}, ${self.explorer_host}, ${self.dash_host}, ${self.stats_api_host}) differ from the module's (${local.hosts.api}, ${local.hosts.explorer}, ${local.hosts.dash}, ${local.hosts.stats}): DNS and routes would not match the discovery entry."
    }

    # Defence in depth: the API node's private listener (smeshing, admin) must stay on loopback, and
    # the public gRPC and JSON listeners must exist on distinct ports (the Services route to them).
    postcondition {
      condition = (
        can(regex("^(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+$", jsondecode(self.api_node_config).api["grpc-private-listener"])) &&
        can(regex(":[0-9]+$", jsondecode(self.api_node_config).api["grpc-public-listener"])) &&
        can(regex(":[0-9]+$", jsondecode(self.api_node_config).api["grpc-json-listener"])) &&
        jsondecode(self.api_node_config).api["grpc-public-listener"] != jsondecode(self.api_node_config).api["grpc-json-listener"]
      )
      error_message = "api_node_config must keep grpc-private-listener on loopback and set distinct public gRPC and JSON listeners."
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

# The certificate, copied from Secret Manager (only when tls.secret_manager is used), without
# passing through Terraform's state or plan: the secret versions are read by ephemeral resources
# (through the google.secrets provider) into the Secret's write-only data. Terraform sends write-only
# data only when data_wo_revision changes: bump tls.secret_manager.revision after rotating the
# certificate in Secret Manager. cert-manager (tls.cert_manager_cluster_issuer) needs no copy at all.
locals {
  tls_from_secret_manager = var.tls.secret_manager != null
}

ephemeral "google_secret_manager_secret_version" "tls_certificate" {
  provider = google.secrets
  count    = local.tls_from_secret_manager ? 1 : 0
  project  = var.tls.secret_manager.project
  secret   = var.tls.secret_manager.certificate_secret
  version  = var.tls.secret_manager.version
}

ephemeral "google_secret_manager_secret_version" "tls_private_key" {
  provider = google.secrets
  count    = local.tls_from_secret_manager ? 1 : 0
  project  = var.tls.secret_manager.project
  secret   = var.tls.secret_manager.private_key_secret
  version  = var.tls.secret_manager.version
}

resource "kubernetes_secret_v1" "tls" {
  count = local.tls_from_secret_manager ? 1 : 0

  metadata {
    name      = local.tls_secret_name
    namespace = local.ns
    labels    = local.common_labels
  }
  type = "kubernetes.io/tls"
  data_wo = {
    "tls.crt" = ephemeral.google_secret_manager_secret_version.tls_certificate[0].secret_data
    "tls.key" = ephemeral.google_secret_manager_secret_version.tls_private_key[0].secret_data
  }
  data_wo_revision = var.tls.secret_manager.revision
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

# The ingress controller reaches the serving ports of the pods that serve the public: the node's
# public gRPC and JSON listeners and the stats API's :5000. Not the node's private port (on loopback
# anyway), not the stats API's refresh (:5050) or metrics (:5070) listeners.
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
        for_each = toset([local.listener_port.grpc, local.listener_port.json, local.stats_api_ports.http])
        content {
          port     = tostring(ports.value)
          protocol = "TCP"
        }
      }
    }
  }
}

# The stats API's refresh listener (:5050, expensive recomputation) is reached only by the refresh
# CronJob's pods, inside the namespace.
resource "kubernetes_network_policy_v1" "stats_refresh" {
  metadata {
    name      = "allow-stats-refresh"
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
        pod_selector {
          match_labels = { "spacemesh.io/stats-refresher" = "true" }
        }
      }
      ports {
        port     = tostring(local.stats_api_ports.refresh)
        protocol = "TCP"
      }
    }
  }
}

# ================================================================================================
# Volumes
# ================================================================================================

# The API nodes' disks: reclaimPolicy Retain by default, so that retiring a network (which deletes
# its namespace and with it the claims) leaves the disks for a restore; expansion allowed for the
# manual resize in the README.
resource "kubernetes_storage_class_v1" "volumes" {
  count = var.storage_class_name == null ? 1 : 0

  metadata {
    name   = local.storage_class
    labels = local.common_labels
  }
  storage_provisioner    = var.volume_provisioner.provisioner
  parameters             = var.volume_provisioner.parameters
  reclaim_policy         = var.retain_volumes ? "Retain" : "Delete"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
}

# The volume size and class the StatefulSet was created with (ignore_changes keeps the first value):
# a changed value is refused at plan time by the release's precondition, since Kubernetes forbids
# updating volumeClaimTemplates and the helm upgrade would fail half-way. After the manual resize in
# the README, `terraform apply -replace` of this resource records the new value.
resource "terraform_data" "api_node_volume" {
  input = local.volume_spec

  lifecycle {
    ignore_changes = [input]
  }
}

data "cloudflare_ip_ranges" "edge" {
  count = var.cloudflare_only ? 1 : 0
}

# ================================================================================================
# Workloads (the chart is in ./charts; nothing is fetched from a chart repository)
# ================================================================================================

resource "helm_release" "api_node" {
  name        = "api-node"
  namespace   = local.ns
  chart       = local.chart_dir
  wait        = var.helm_wait
  timeout     = var.helm_timeout
  max_history = 10

  values = [yamlencode({
    chartChecksum      = local.chart_checksum
    network            = { id = local.net_id, name = var.name }
    replicas           = var.api_node.replicas
    serviceAccountName = kubernetes_service_account_v1.workloads.metadata[0].name
    nodeConfig         = spacemesh_network.this.api_node_config
    ports = {
      grpc    = local.listener_port.grpc
      json    = local.listener_port.json
      private = local.listener_port.private
    }
    ingress = {
      className     = var.ingress.class_name
      entrypoint    = var.ingress.entrypoint
      host          = local.hosts.api
      tlsSecretName = local.tls_secret_for.api
      json          = { annotations = local.ingress_annotations.api_json }
      grpc          = local.grpc_route
    }
    persistence = {
      size             = var.api_node.storage_size
      storageClassName = local.storage_class
      whenDeleted      = var.retain_volumes ? "Retain" : "Delete"
    }
    resources = {
      requests = { cpu = var.api_node.cpu_request, memory = var.api_node.memory_request }
      limits   = { memory = var.api_node.memory_limit }
    }
    statsApi = {
      env   = local.stats_api_env
      ports = local.stats_api_ports
      ingress = {
        host          = local.hosts.stats
        tlsSecretName = local.tls_secret_for.stats
        annotations   = local.ingress_annotations.stats_api
        sourceRanges  = local.cloudflare_source_ranges
      }
      refresh = { schedule = var.stats_api.refresh_schedule, image = local.images.refresh }
      resources = {
        requests = { cpu = var.stats_api.cpu_request, memory = var.stats_api.memory_request }
        limits   = { memory = var.stats_api.memory_limit }
      }
    }
  })]

  # The releases are their own entries so that an upgrade reads as one changed value in the plan.
  set = [
    { name = "image", value = local.images.node },
    { name = "statsApi.image", value = local.images.stats_api },
  ]

  lifecycle {
    precondition {
      condition     = terraform_data.api_node_volume.output == local.volume_spec
      error_message = <<-EOT
        The API node volumes were created as ${jsonencode(terraform_data.api_node_volume.output)} and the configuration now says ${jsonencode(local.volume_spec)}.
        Kubernetes refuses to change a StatefulSet's volumeClaimTemplates, so this is not applied. To resize (the README's runbook):
          1. kubectl -n ${local.namespace} patch pvc data-api-node-<i> -p '{"spec":{"resources":{"requests":{"storage":"<new size>"}}}}'   (every replica; the class must allow expansion)
          2. kubectl -n ${local.namespace} delete statefulset api-node --cascade=orphan   (the pods keep running)
          3. terraform apply -replace='<module address>.terraform_data.api_node_volume'   (helm recreates the StatefulSet with the new size)
        Or put the old value back.
      EOT
    }
  }

  depends_on = [kubernetes_network_policy_v1.default_deny, kubernetes_secret_v1.tls, kubernetes_storage_class_v1.volumes]
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
