# ------------------------------------------------------------------------------------------------
# What Spacemesh hands over for a network
# ------------------------------------------------------------------------------------------------

variable "net_id" {
  description = "The network id, e.g. 118. Current node configs carry none, so it is given here; every host name contains it."
  type        = number

  validation {
    condition     = var.net_id > 0 && floor(var.net_id) == var.net_id && var.net_id < 4294967296
    error_message = "net_id must be a positive whole number (e.g. 118)."
  }
}

variable "name" {
  description = "The network's friendly name, e.g. \"TweedleDee Open Testnet 118\" (net-name in the discovery document)."
  type        = string

  validation {
    condition     = length(trimspace(var.name)) > 0 && length(var.name) <= 128
    error_message = "name must be a non-empty friendly name of at most 128 characters."
  }
}

variable "config_url" {
  description = "Permanent https URL of the node config (published in the discovery entry as conf)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/\\s]+/\\S*$", var.config_url))
    error_message = "config_url must be an https URL such as https://configs.spacemesh.io/testnet-118.json (the spec forbids plain http)."
  }
}

variable "config_json" {
  description = "The node config's contents, when it should not be fetched from config_url at plan time (e.g. file(\"conf.json\")). Null: the provider fetches config_url."
  type        = string
  default     = null

  validation {
    condition     = var.config_json == null || can(jsondecode(var.config_json))
    error_message = "config_json must be the node config as a JSON string."
  }
}

variable "node_release" {
  description = "The exact full-node release the network's nodes run: a release tag (v1.7.6: image <node_image_repository>:v1.7.6), a branch or commit (image <node_dev_image_repository>:<ref>), or a full image reference (anything with / : or @)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}$", var.node_release))
    error_message = "node_release must be a release tag (v1.7.6), a branch or commit name, or an image reference (spacemeshos/go-spacemesh:v1.7.6)."
  }
}

variable "node_image_repository" {
  description = "Image repository of released go-spacemesh builds (used when node_release is a release tag)."
  type        = string
  default     = "spacemeshos/go-spacemesh"
}

variable "node_dev_image_repository" {
  description = "Image repository of go-spacemesh builds of branches and commits (used when node_release is neither a release tag nor an image)."
  type        = string
  default     = "spacemeshos/go-spacemesh-dev"
}

variable "min_node_release" {
  description = "Oldest node release supported on the network (min-node-release)."
  type        = string

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", var.min_node_release))
    error_message = "min_node_release must be a semantic version such as 1.7.0 or v1.7.0."
  }
}

variable "latest_node_release" {
  description = "Newest node release supported on the network (latest-node-release). Null: the version of node_release, which must then be a release tag."
  type        = string
  default     = null

  validation {
    condition     = var.latest_node_release == null || can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", var.latest_node_release))
    error_message = "latest_node_release must be a semantic version such as 1.7.6 or v1.7.6."
  }

  validation {
    condition     = var.latest_node_release != null || can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", var.node_release))
    error_message = "latest_node_release is required when node_release is not a release tag (it is a branch, commit or image)."
  }
}

variable "min_smapp_release" {
  description = "Oldest Smapp release supported on the network (min-smapp-release)."
  type        = string

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", var.min_smapp_release))
    error_message = "min_smapp_release must be a semantic version such as 1.6.0."
  }
}

variable "latest_smapp_release" {
  description = "Newest Smapp release supported on the network (latest-smapp-release). Updating it only changes the discovery entry."
  type        = string

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", var.latest_smapp_release))
    error_message = "latest_smapp_release must be a semantic version such as 1.7.2."
  }
}

variable "smapp_base_download_url" {
  description = "Base https URL Smapp downloads its releases from."
  type        = string

  validation {
    condition     = can(regex("^https://[^/\\s]+(/\\S*)?$", var.smapp_base_download_url))
    error_message = "smapp_base_download_url must be an https URL."
  }
}

variable "node_base_download_url" {
  description = "Base https URL Smapp downloads node releases from."
  type        = string

  validation {
    condition     = can(regex("^https://[^/\\s]+(/\\S*)?$", var.node_base_download_url))
    error_message = "node_base_download_url must be an https URL."
  }
}

variable "explorer_backend_release" {
  description = "Release (image tag, e.g. v1.7.7) of the explorer backend: collector and API server. A full image reference is not accepted here; set backend_image_repositories instead."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", var.explorer_backend_release))
    error_message = "explorer_backend_release must be an image tag such as v1.7.7."
  }
}

variable "dash_backend_release" {
  description = "Release (image tag) of the dashboard backend."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", var.dash_backend_release))
    error_message = "dash_backend_release must be an image tag such as v1.2.0."
  }
}

variable "backend_image_repositories" {
  description = "Image repositories of the explorer collector, the explorer API server and the dashboard backend."
  type = object({
    collector = optional(string, "spacemeshos/explorer-collector")
    apiserver = optional(string, "spacemeshos/explorer-apiserver")
    dash      = optional(string, "spacemeshos/dash-backend")
  })
  default = {}
}

variable "frontends" {
  description = <<-EOT
    The explorer and dashboard frontends at the network's explorer and dash URLs, switched by this one
    variable: enabled (serve them from the cluster), and the release (image tag) of each. The images
    serve the built frontend over http on port 8080 (the frontends are static builds; build them with
    the public discovery URL). With enabled = false the module serves no frontend and makes no DNS
    record or uptime check for those names: host them elsewhere at the same URLs.
  EOT
  type = object({
    enabled                   = optional(bool, true)
    explorer_release          = optional(string)
    dash_release              = optional(string)
    explorer_image_repository = optional(string, "spacemeshos/explorer-frontend")
    dash_image_repository     = optional(string, "spacemeshos/dash-frontend")
    port                      = optional(number, 8080)
  })
  default = {}

  validation {
    condition     = !var.frontends.enabled || (var.frontends.explorer_release != null && var.frontends.dash_release != null)
    error_message = "frontends.explorer_release and frontends.dash_release are required while frontends.enabled is true."
  }

  validation {
    condition = alltrue([
      for r in [var.frontends.explorer_release, var.frontends.dash_release] : r == null || can(regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", r))
    ])
    error_message = "Frontend releases must be image tags such as v2.1.0."
  }
}

# ------------------------------------------------------------------------------------------------
# The shared platform
# ------------------------------------------------------------------------------------------------

variable "domain" {
  description = "The operator's DNS zone (e.g. spacemesh.io). Host names are built from it and the net id."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lower-case DNS name such as spacemesh.io (no scheme, no trailing dot)."
  }
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of domain."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.cloudflare_zone_id))
    error_message = "cloudflare_zone_id must be the 32-character hexadecimal zone id."
  }
}

variable "project_id" {
  description = "Google Cloud project of the uptime checks, SLOs and alert policies."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id."
  }
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/<p>/notificationChannels/<id>) the alerts go to."
  type        = list(string)

  validation {
    condition     = length(var.notification_channels) > 0 && alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "notification_channels must list at least one channel id of the form projects/<project>/notificationChannels/<id>."
  }
}

variable "sla_goal" {
  description = "Availability objective of every public endpoint (the spec's SLA: 96.7%, about 24 hours of downtime a month)."
  type        = number
  default     = 0.967

  validation {
    condition     = var.sla_goal > 0.5 && var.sla_goal < 1
    error_message = "sla_goal must be a fraction between 0.5 and 1, e.g. 0.967."
  }
}

variable "uptime_check_period" {
  description = "How often each public endpoint is probed."
  type        = string
  default     = "60s"

  validation {
    condition     = contains(["60s", "300s", "600s", "900s"], var.uptime_check_period)
    error_message = "uptime_check_period must be one of 60s, 300s, 600s, 900s."
  }
}

variable "ingress" {
  description = <<-EOT
    The cluster's ingress controller: its public IP (what the DNS records point at), its IngressClass
    and namespace (admitted by the NetworkPolicy), and how Ingresses select its https entry points.
    flavor "traefik" (what modules/cluster installs) routes by entry point, so one API host can serve
    JSON and gRPC on two ports: entrypoints maps each public port to an entry point name. flavor
    "custom" adds only the annotations given.
  EOT
  type = object({
    ip_address  = string
    class_name  = optional(string, "traefik")
    namespace   = optional(string, "ingress")
    flavor      = optional(string, "traefik")
    entrypoints = optional(map(string), { "443" = "websecure", "9091" = "api-json", "9092" = "api-grpc" })
    annotations = optional(object({
      web          = optional(map(string), {})
      api_json     = optional(map(string), {})
      api_grpc     = optional(map(string), {})
      grpc_service = optional(map(string), {})
    }), {})
  })

  validation {
    condition     = can(cidrhost("${var.ingress.ip_address}/32", 0))
    error_message = "ingress.ip_address must be an IPv4 address (the ingress controller's load balancer)."
  }

  validation {
    condition     = contains(["traefik", "custom"], var.ingress.flavor)
    error_message = "ingress.flavor must be traefik or custom."
  }
}

variable "tls" {
  description = <<-EOT
    Where the https certificate for the network's host names comes from, by reference only (exactly
    one): secret_manager (Secret Manager secrets holding the PEM certificate chain and key; copied into
    a kubernetes.io/tls Secret), existing_secret_name (a kubernetes.io/tls Secret the platform keeps in
    the namespace; needs create_namespace = false), or cert_manager_cluster_issuer (cert-manager issues
    it). The certificate must cover every host name in the hosts output.
  EOT
  type = object({
    secret_manager = optional(object({
      project            = string
      certificate_secret = string
      private_key_secret = string
      version            = optional(string, "latest")
    }))
    existing_secret_name        = optional(string)
    cert_manager_cluster_issuer = optional(string)
  })

  validation {
    condition     = length(compact([var.tls.secret_manager == null ? "" : "x", coalesce(var.tls.existing_secret_name, "-") == "-" ? "" : "x", coalesce(var.tls.cert_manager_cluster_issuer, "-") == "-" ? "" : "x"])) == 1
    error_message = "Set exactly one of tls.secret_manager, tls.existing_secret_name and tls.cert_manager_cluster_issuer."
  }

  validation {
    condition     = var.tls.existing_secret_name == null || !var.create_namespace
    error_message = "tls.existing_secret_name names a Secret that must exist before the network's pods: use it with create_namespace = false (the platform owns the namespace and the Secret)."
  }
}

variable "create_namespace" {
  description = "Create the network's namespace (and delete it with the network). False: it exists already, managed by the platform."
  type        = bool
  default     = true
}

variable "namespace" {
  description = "Kubernetes namespace of the network. Null: spacemesh-<net_id>."
  type        = string
  default     = null

  validation {
    condition     = var.namespace == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label (lower-case letters, digits, hyphens; at most 63)."
  }
}

# ------------------------------------------------------------------------------------------------
# Names and ports
# ------------------------------------------------------------------------------------------------

variable "api_host_pattern" {
  description = "Host name pattern of the API (JSON gateway and gRPC); {net_id} and {domain} are substituted."
  type        = string
  default     = "{net_id}.api.{domain}"

  validation {
    condition     = strcontains(var.api_host_pattern, "{net_id}") && can(regex("^[a-z0-9{}._-]+$", var.api_host_pattern))
    error_message = "api_host_pattern must be a bare host name pattern containing {net_id}, e.g. {net_id}.api.{domain}."
  }
}

variable "explorer_host_pattern" {
  description = "Host name pattern of the explorer frontend."
  type        = string
  default     = "{net_id}.explore.{domain}"

  validation {
    condition     = strcontains(var.explorer_host_pattern, "{net_id}") && can(regex("^[a-z0-9{}._-]+$", var.explorer_host_pattern))
    error_message = "explorer_host_pattern must be a bare host name pattern containing {net_id}."
  }
}

variable "dash_host_pattern" {
  description = "Host name pattern of the dashboard frontend."
  type        = string
  default     = "{net_id}.dash.{domain}"

  validation {
    condition     = strcontains(var.dash_host_pattern, "{net_id}") && can(regex("^[a-z0-9{}._-]+$", var.dash_host_pattern))
    error_message = "dash_host_pattern must be a bare host name pattern containing {net_id}."
  }
}

variable "explorer_api_host_pattern" {
  description = "Host name pattern of the explorer backend API (published as explorerAPI)."
  type        = string
  default     = "{net_id}.explorer-api.{domain}"

  validation {
    condition     = strcontains(var.explorer_api_host_pattern, "{net_id}") && can(regex("^[a-z0-9{}._-]+$", var.explorer_api_host_pattern))
    error_message = "explorer_api_host_pattern must be a bare host name pattern containing {net_id}."
  }
}

variable "dash_api_host_pattern" {
  description = "Host name pattern of the dashboard backend (published as dashAPI, wss://<host>/ws)."
  type        = string
  default     = "{net_id}.dash-api.{domain}"

  validation {
    condition     = strcontains(var.dash_api_host_pattern, "{net_id}") && can(regex("^[a-z0-9{}._-]+$", var.dash_api_host_pattern))
    error_message = "dash_api_host_pattern must be a bare host name pattern containing {net_id}."
  }
}

variable "api_json_port" {
  description = "Public port of the JSON gateway (https). Cloudflare can proxy only 443, 2053, 2083, 2087, 2096 and 8443; the API host is DNS-only anyway because it also carries gRPC."
  type        = number
  default     = 9091

  validation {
    condition     = var.api_json_port >= 1 && var.api_json_port <= 65535 && floor(var.api_json_port) == var.api_json_port
    error_message = "api_json_port must be a TCP port."
  }
}

variable "api_grpc_port" {
  description = "Public port of gRPC (https). Never proxied by Cloudflare."
  type        = number
  default     = 9092

  validation {
    condition     = var.api_grpc_port >= 1 && var.api_grpc_port <= 65535 && floor(var.api_grpc_port) == var.api_grpc_port
    error_message = "api_grpc_port must be a TCP port."
  }
}

# ------------------------------------------------------------------------------------------------
# Discovery
# ------------------------------------------------------------------------------------------------

variable "discovery_url" {
  description = "Discovery document the entry goes into (gs://bucket/object or file:///path). Null: the spacemesh provider's discovery_url."
  type        = string
  default     = null

  validation {
    condition     = var.discovery_url == null || can(regex("^(gs://[^/]+/.+|file:///.+)$", var.discovery_url))
    error_message = "discovery_url must be gs://<bucket>/<object> or file:///<absolute path>."
  }
}

variable "default_network" {
  description = "Keep this network's entry first in the discovery document: the web frontends take the first entry as their default network. Give it to one network at a time."
  type        = bool
  default     = false
  nullable    = false
}

variable "discovery_extra" {
  description = "Further keys written as they are into the network's discovery entry (e.g. statsAPI). explorerAPI and dashAPI are always added."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.discovery_extra), ["explorerAPI", "dashAPI"])) == 0
    error_message = "discovery_extra must not set explorerAPI or dashAPI: the module publishes them from the network's own host names."
  }
}

# ------------------------------------------------------------------------------------------------
# Sizing and rollout
# ------------------------------------------------------------------------------------------------

variable "api_node" {
  description = "The API node StatefulSet: replicas (2 keeps one synced node serving while the other is replaced), disk, and resources."
  type = object({
    replicas       = optional(number, 2)
    storage_size   = optional(string, "200Gi")
    cpu_request    = optional(string, "2")
    memory_request = optional(string, "8Gi")
    memory_limit   = optional(string, "16Gi")
  })
  default = {}

  validation {
    condition     = var.api_node.replicas >= 1 && var.api_node.replicas <= 5 && floor(var.api_node.replicas) == var.api_node.replicas
    error_message = "api_node.replicas must be between 1 and 5."
  }
}

variable "storage_class_name" {
  description = "StorageClass of the nodes' and the store's volumes. Null: the cluster default."
  type        = string
  default     = null
}

variable "collector_node_storage_size" {
  description = "Disk of the explorer collector's own node."
  type        = string
  default     = "200Gi"
}

variable "mongo_storage_size" {
  description = "Disk of the explorer's MongoDB store."
  type        = string
  default     = "50Gi"
}

variable "web_replicas" {
  description = "Replicas of the explorer API, dashboard backend and frontends (at least 2 keeps serving through node maintenance and rollouts)."
  type        = number
  default     = 2

  validation {
    condition     = var.web_replicas >= 1 && var.web_replicas <= 10 && floor(var.web_replicas) == var.web_replicas
    error_message = "web_replicas must be between 1 and 10."
  }
}

variable "helm_wait" {
  description = "Wait for the releases' pods to be ready on apply. Off by default: a new node is ready only once synced, which takes far longer than an apply should; rollouts stay safe because old pods keep serving until new ones are ready, and the root's check blocks report the endpoints."
  type        = bool
  default     = false
}

variable "helm_timeout" {
  description = "Seconds helm waits for a release (when helm_wait is on)."
  type        = number
  default     = 900
}
