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

variable "node_version" {
  description = "The go-spacemesh version node_release runs (e.g. 1.7.6), when node_release is a branch, a commit or an image by digest: the API node's config holds only keys that version knows. Null: the version in node_release's tag."
  type        = string
  default     = null

  validation {
    condition     = var.node_version == null || can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$", coalesce(var.node_version, "-")))
    error_message = "node_version must be a semantic version such as 1.7.6."
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

variable "stats_api_release" {
  description = "Release (image tag, e.g. v2.1.0) of the explorer stats API (explorer-backend's cmd/api, image spacemeshos/explorer-stats-api), which runs beside every API node and reads its state database."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", var.stats_api_release))
    error_message = "stats_api_release must be an image tag such as v2.1.0."
  }
}

variable "stats_api" {
  description = <<-EOT
    The explorer stats API beside each API node (a sidecar reading the node's state.sql read-only):
    its image repository, cache settings (SPACEMESH_CACHE_TTL, SPACEMESH_SHORT_CACHE_TTL: explorer-backend
    caches overview, circulation, epochs and smesher lists for cache_ttl (its own default 0 is "never"; 1h keeps the current epoch fresh) and the refresh CronJob recomputes the hot ones every few minutes),
    optional Redis (SPACEMESH_REDIS, a redis:// URL; null: in-memory cache per pod), the refresh
    schedule (cron) and image, and resources.
  EOT
  type = object({
    image_repository = optional(string, "spacemeshos/explorer-stats-api")
    cache_ttl        = optional(string, "1h")
    short_cache_ttl  = optional(string, "5m")
    redis_url        = optional(string)
    refresh_schedule = optional(string, "*/10 * * * *")
    refresh_image    = optional(string, "curlimages/curl:8.11.1")
    cpu_request      = optional(string, "500m")
    memory_request   = optional(string, "512Mi")
    memory_limit     = optional(string, "2Gi")
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for d in [var.stats_api.cache_ttl, var.stats_api.short_cache_ttl] : can(regex("^([0-9]+(ns|us|ms|s|m|h))+$", d))])
    error_message = "stats_api.cache_ttl and stats_api.short_cache_ttl must be Go durations such as 0s, 5m or 1h30m."
  }

  validation {
    condition     = var.stats_api.redis_url == null || can(regex("^rediss?://", coalesce(var.stats_api.redis_url, "-")))
    error_message = "stats_api.redis_url must be a redis:// or rediss:// URL (or null for the in-memory cache)."
  }

  validation {
    condition     = length(split(" ", trimspace(var.stats_api.refresh_schedule))) == 5
    error_message = "stats_api.refresh_schedule must be a five-field cron schedule such as */10 * * * *."
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
    The cluster's ingress controller: Traefik v3 with its Kubernetes Ingress and CRD providers (what
    modules/cluster installs). ip_address is its public IP (what the DNS records point at),
    class_name its IngressClass, namespace where it runs (the only namespace the NetworkPolicy admits
    to the serving ports), entrypoint its https entry point on 443. The API host is one https host on
    443: an IngressRoute sends requests whose Content-Type is gRPC's (not gRPC-Web) to the node's
    gRPC listener (h2c), everything else goes to the JSON gateway. annotations are added to the JSON
    gateway's and the stats API's Ingresses.
  EOT
  type = object({
    ip_address = string
    class_name = optional(string, "traefik")
    namespace  = optional(string, "ingress")
    entrypoint = optional(string, "websecure")
    annotations = optional(object({
      api_json  = optional(map(string), {})
      stats_api = optional(map(string), {})
    }), {})
  })

  validation {
    condition     = can(cidrhost("${var.ingress.ip_address}/32", 0))
    error_message = "ingress.ip_address must be an IPv4 address (the ingress controller's load balancer)."
  }

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.ingress.entrypoint))
    error_message = "ingress.entrypoint must be the name of the controller's https entry point on 443, e.g. websecure."
  }
}

variable "tls" {
  description = <<-EOT
    Where the https certificate for the network's host names comes from, by reference only (exactly
    one): secret_manager (Secret Manager secrets holding the PEM certificate chain and key; read by
    ephemeral resources through the google.secrets provider into a kubernetes.io/tls Secret's
    write-only data, so the key is never in state or plan; bump revision after a rotation),
    existing_secret_name (a kubernetes.io/tls Secret the platform keeps in
    the namespace; needs create_namespace = false), or cert_manager_cluster_issuer (cert-manager issues
    it). The certificate must cover every host name in the hosts output.
  EOT
  type = object({
    secret_manager = optional(object({
      project            = string
      certificate_secret = string
      private_key_secret = string
      version            = optional(string, "latest")
      revision           = optional(number, 1)
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

variable "stats_api_host_pattern" {
  description = "Host name pattern of the explorer stats API (published as statsAPI); proxied by Cloudflare."
  type        = string
  default     = "{net_id}.stats.{domain}"

  validation {
    condition     = strcontains(var.stats_api_host_pattern, "{net_id}") && can(regex("^[a-z0-9{}._-]+$", var.stats_api_host_pattern))
    error_message = "stats_api_host_pattern must be a bare host name pattern containing {net_id}, e.g. {net_id}.stats.{domain}."
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

variable "cors_origins" {
  description = "Further browser origins (https://host) allowed to call the JSON gateway and the stats API, e.g. the frontends' shared hosts. The network's explorer and dashboard origins are always allowed."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for o in var.cors_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", o))])
    error_message = "cors_origins must be https origins such as https://explore.example.org (no path)."
  }
}

variable "discovery_extra" {
  description = "Further keys written as they are into the network's discovery entry. The keys the module publishes itself (statsAPI, explorerAPI, dashAPI) are refused."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.discovery_extra), ["statsAPI", "explorerAPI", "dashAPI"])) == 0
    error_message = "discovery_extra must not set statsAPI, explorerAPI or dashAPI: the module publishes them from the network's own host names."
  }
}

variable "wait_for_sync" {
  description = "Write the discovery entry only once the network's public JSON API reports SYNC_STATUS_SYNCED (polled through its public URL by the spacemesh provider): clients never see a network that does not work yet. Turn off only where nothing answers (tests)."
  type        = bool
  default     = true
  nullable    = false
}

variable "sync_timeout" {
  description = "How long the entry's creation waits for the API node to report synced (a Go duration); on timeout nothing is written and the apply fails."
  type        = string
  default     = "30m"

  validation {
    condition     = can(regex("^([0-9]+(s|m|h))+$", var.sync_timeout))
    error_message = "sync_timeout must be a duration such as 30m or 2h."
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
  description = "StorageClass of the API nodes' volumes. Null: the module's own class (see retain_volumes)."
  type        = string
  default     = null
}

variable "retain_volumes" {
  description = <<-EOT
    Keep the API nodes' disks when the network is retired. True (the default): the module's
    StorageClass provisions volumes with reclaimPolicy Retain and the StatefulSet keeps its claims
    (whenDeleted: Retain), so removing the block frees the cluster objects but leaves the disks
    (Released PersistentVolumes, their GCE disks billed until deleted; see the README's runbook).
    False: the disks are deleted with the network. Ignored for reclaiming when storage_class_name is
    set (that class's reclaimPolicy decides).
  EOT
  type        = bool
  default     = true
  nullable    = false
}

variable "volume_provisioner" {
  description = "CSI provisioner and disk type of the module's StorageClass (used when storage_class_name is null)."
  type = object({
    provisioner = optional(string, "pd.csi.storage.gke.io")
    parameters  = optional(map(string), { type = "pd-balanced" })
  })
  default  = {}
  nullable = false
}

variable "image_digests" {
  description = <<-EOT
    Pin images by digest (sha256:<64 hex>): node, stats_api, refresh. A pinned image runs exactly that
    build on every replica, whatever the tag now points at. Null: the tag alone.
  EOT
  type = object({
    node      = optional(string)
    stats_api = optional(string)
    refresh   = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for d in values(var.image_digests) : d == null || can(regex("^sha256:[0-9a-f]{64}$", coalesce(d, "-")))])
    error_message = "image_digests values must be sha256:<64 lower-case hex digits>."
  }
}

variable "image_registry_mirror" {
  description = "Pull Docker Hub images through this registry path, e.g. an Artifact Registry remote repository of Docker Hub (us-docker.pkg.dev/<project>/dockerhub; modules/cluster output image_registry_mirror). Images named with their own registry (a host with a dot) are left as they are. Null: pull from Docker Hub."
  type        = string
  default     = null

  validation {
    condition     = var.image_registry_mirror == null || can(regex("^[a-z0-9.-]+\\.[a-z]{2,}(:[0-9]+)?(/[a-z0-9._-]+)+$", coalesce(var.image_registry_mirror, "-")))
    error_message = "image_registry_mirror must be a registry path such as us-docker.pkg.dev/my-project/dockerhub (no scheme, no trailing slash)."
  }
}

variable "cloudflare_only" {
  description = "Accept requests for the Cloudflare-proxied host (the stats API) only from Cloudflare's published address ranges (read with the cloudflare_ip_ranges data source), so its protection cannot be bypassed by sending the Host header straight to the ingress address that the DNS-only API host publishes."
  type        = bool
  default     = true
  nullable    = false
}

variable "alerts" {
  description = "Thresholds of the network's resource alerts: certificate expiry (days before the certificate of a public host expires) and volume usage (fraction of an API node's disk in use)."
  type = object({
    certificate_expiry_days = optional(number, 21)
    volume_usage            = optional(number, 0.85)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alerts.certificate_expiry_days >= 1 && var.alerts.certificate_expiry_days <= 60 && var.alerts.volume_usage > 0.5 && var.alerts.volume_usage < 1
    error_message = "alerts.certificate_expiry_days must be between 1 and 60 and alerts.volume_usage a fraction between 0.5 and 1."
  }
}

variable "helm_wait" {
  description = "Wait for the release's pods to be ready on apply. Off by default: a new node is ready only once synced, which takes far longer than a helm wait should; the discovery entry waits for sync instead (wait_for_sync), rollouts stay safe because old pods keep serving until new ones are ready, and the module's check blocks report the endpoints."
  type        = bool
  default     = false
}

variable "helm_timeout" {
  description = "Seconds helm waits for a release (when helm_wait is on)."
  type        = number
  default     = 900
}
