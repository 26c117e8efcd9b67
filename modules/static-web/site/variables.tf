variable "domain" {
  description = "The operator's DNS zone, e.g. spacemesh.io. Every host name is built from it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lower-case DNS name with at least two labels, such as spacemesh.io (no scheme, no trailing dot)."
  }
}

variable "networks" {
  description = <<-EOT
    The live networks, in the order the frontends list them (the first public one is the default of the
    bare frontend hosts). Pass spacemesh_network objects (extra attributes are dropped), merged with
    dev = true for devnets and with the frontend API URLs the network module publishes (dash_api_url is
    the explorer's per-network selection key, explorer-frontend src/store/index.jsx; the dashboard
    backend's is a wss:// URL). release_tag: the release the network was deployed for, when
    node_release is not that tag (e.g. an image reference); devnet version hosts are named after it.
    genesis_time, genesis_id, config_sha256 and node_release are not in the discovery document: a network
    taken from it leaves them null, and its page shows what is published.
  EOT
  type = list(object({
    name                    = string
    net_id                  = number
    genesis_time            = optional(string)
    genesis_id              = optional(string)
    smapp_genesis_id        = optional(string)
    config_url              = string
    config_sha256           = optional(string)
    node_release            = optional(string)
    min_node_release        = string
    latest_node_release     = string
    min_smapp_release       = string
    latest_smapp_release    = string
    smapp_base_download_url = string
    node_base_download_url  = string
    api_json_url            = string
    api_grpc_url            = string
    explorer_url            = string
    dash_url                = string
    stats_api_url           = optional(string)
    dash_api_url            = optional(string)
    explorer_api_url        = optional(string)
    dev                     = optional(bool, false)
    release_tag             = optional(string)
  }))
  nullable = false

  validation {
    condition     = length(distinct([for n in var.networks : n.net_id])) == length(var.networks)
    error_message = "networks must not list a net_id twice; given: ${jsonencode([for n in var.networks : n.net_id])}."
  }

  validation {
    condition     = alltrue([for n in var.networks : n.net_id > 0 && floor(n.net_id) == n.net_id])
    error_message = "Each network's net_id must be a positive whole number; given: ${jsonencode([for n in var.networks : n.net_id])}."
  }

  validation {
    condition = alltrue(flatten([for n in var.networks : [
      for u in compact([n.config_url, n.smapp_base_download_url, n.node_base_download_url, n.api_json_url, n.api_grpc_url, n.explorer_url, n.dash_url, n.stats_api_url, n.explorer_api_url]) : startswith(u, "https://")
    ]])) && alltrue([for n in var.networks : n.dash_api_url == null || startswith(coalesce(n.dash_api_url, "-"), "https://") || startswith(coalesce(n.dash_api_url, "-"), "wss://")])
    error_message = "Every URL of every network must be https (the spec forbids plain http; dash_api_url may be wss); given: ${jsonencode(flatten([for n in var.networks : [for u in compact([n.config_url, n.smapp_base_download_url, n.node_base_download_url, n.api_json_url, n.api_grpc_url, n.explorer_url, n.dash_url, n.stats_api_url, n.dash_api_url, n.explorer_api_url]) : "${n.net_id}: ${u}" if !startswith(u, "https://") && !startswith(u, "wss://")]]))}."
  }
}

variable "frontends" {
  description = <<-EOT
    The frontend builds, keyed by the name of their folder in the bucket (e.g. explorer, dash,
    explorer-dev). Each serves one host (and <net_id>.<host> for every network of its document) from
    <key>/<release>/ in the bucket; changing release is the switch (and the rollback).
    app: explorer or dash. document: public (the networks without dev) or dev (the devnets only): the
    list the build reads at /networks.json on its hosts.
  EOT
  type = map(object({
    app               = string
    release           = string
    host              = string
    document          = optional(string, "public")
    per_network_hosts = optional(bool, true)
  }))
  nullable = false

  validation {
    condition     = alltrue([for k, f in var.frontends : can(regex("^[a-z][a-z0-9-]{0,30}$", k))])
    error_message = "Each frontends key names a bucket folder: lower-case letters, digits and hyphens, starting with a letter, at most 31 characters; given: ${jsonencode(keys(var.frontends))}."
  }

  validation {
    condition     = alltrue([for f in var.frontends : contains(["explorer", "dash"], f.app)])
    error_message = "frontends[*].app must be \"explorer\" or \"dash\"; given: ${jsonencode([for f in var.frontends : f.app])}."
  }

  validation {
    condition     = alltrue([for f in var.frontends : contains(["public", "dev"], f.document)])
    error_message = "frontends[*].document must be \"public\" or \"dev\"; given: ${jsonencode([for f in var.frontends : f.document])}."
  }

  validation {
    condition     = alltrue([for f in var.frontends : can(regex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$", f.release)) && !strcontains(f.release, "..")])
    error_message = "frontends[*].release must be a release tag used as a folder name (letters, digits, . _ + -), such as v2.1.0; given: ${jsonencode([for f in var.frontends : f.release])}."
  }

  validation {
    condition     = alltrue([for f in var.frontends : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", f.host))])
    error_message = "frontends[*].host must be a lower-case DNS name such as explore.spacemesh.io; given: ${jsonencode([for f in var.frontends : f.host])}."
  }

  validation {
    condition     = length(distinct([for f in var.frontends : f.host])) == length(var.frontends)
    error_message = "Two frontends cannot serve the same host; given: ${jsonencode([for f in var.frontends : f.host])}."
  }
}

variable "info_host" {
  description = "Host of the index page of the public networks; each network's info page is <net_id>.<info_host>, release aliases are <alias>.<info_host>, the devnets' index is dev.<info_host>. Defaults to net.<domain>."
  type        = string
  default     = null

  validation {
    condition     = var.info_host == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.info_host))
    error_message = "info_host must be a lower-case DNS name such as net.spacemesh.io."
  }
}

variable "aliases" {
  description = "Moving aliases of info pages: alias => net_id, e.g. { test = 118 } makes test.<info_host> show network 118's page. Switching which network is \"the\" testnet is changing this one value."
  type        = map(number)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for a in keys(var.aliases) : can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", a)) && a != "dev" && !can(regex("^[0-9]", a))])
    error_message = "aliases keys must be DNS labels starting with a letter (not \"dev\", which is the devnets' index); given: ${jsonencode(keys(var.aliases))}."
  }
}

variable "version_aliases" {
  description = "Give every devnet whose release_tag (default: node_release) is a tag vX.Y.Z+N a host named after it: X-Y-Z-N.<info_host> (a + and dots are not valid in one DNS label, and underscores are refused by browsers' and certificate authorities' host name rules, so the parts are joined with hyphens)."
  type        = bool
  default     = true
  nullable    = false
}

variable "title" {
  description = "Title of the index pages."
  type        = string
  default     = "Spacemesh networks"
  nullable    = false
}

variable "network_views" {
  description = "The documents (public, dev) whose frontend lists the spacemesh provider keeps (discovery_views) => { prefix = where in their bucket, e.g. \"views/networks/\" }. Their /networks.json routes go to that prefix (backend = the document's key); the others get lists rendered here."
  type = map(object({
    prefix = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(setsubtract(keys(var.network_views), ["public", "dev"])) == 0 && alltrue([for v in values(var.network_views) : can(regex("^([^/]+/)*$", v.prefix)) && !startswith(v.prefix, "/")])
    error_message = "network_views takes the keys public and dev, each with a prefix that is empty or ends in / and does not start with one; given: ${jsonencode(var.network_views)}."
  }
}
