variable "project_id" {
  description = "Google Cloud project that holds the bucket and the load balancer."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id (6-30 lower-case letters, digits and hyphens, starting with a letter)."
  }
}

variable "domain" {
  description = "The operator's DNS zone, e.g. spacemesh.io. Every host name is built from it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lower-case DNS name with at least two labels, such as spacemesh.io (no scheme, no trailing dot)."
  }
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of domain."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.cloudflare_zone_id))
    error_message = "cloudflare_zone_id must be the 32-character hexadecimal zone id shown in the Cloudflare dashboard."
  }
}

variable "bucket_name" {
  description = "Name of the GCS bucket that holds the frontend releases and the generated pages (globally unique, dedicated to them)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("^goog|google", var.bucket_name))
    error_message = "bucket_name must be 3-63 lower-case letters, digits, hyphens or underscores, start and end with a letter or digit, and not start with \"goog\" or contain \"google\"."
  }
}

variable "location" {
  description = "GCS location of the bucket."
  type        = string
  default     = "US"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+$", var.location))
    error_message = "location must be a GCS location such as US, EU or us-central1."
  }
}

variable "name_prefix" {
  description = "Prefix of the load balancer's resource names."
  type        = string
  default     = "spacemesh-web"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-32 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "published" {
  description = <<-EOT
    The published discovery documents, as the spacemesh_discovery data source reads them: public = the entries of
    the public document (data.spacemesh_discovery.x.entries), dev = those of the devnets' document. Every network
    the web serves (frontend lists, info pages, per-network hosts and their DNS records, the index) comes from
    here, in document order: a network is on the web only once its entry is published, and leaves it with its
    entry. Nothing here refers to a network's module, so adding or retiring a network block changes nothing in this
    module's plan until the document has changed. Read in the same plan as the web is rendered, so the web shows
    the document as it was when the plan began: a change to the document reaches the web in the next run.
  EOT
  type = object({
    public = optional(list(any), [])
    dev    = optional(list(any), [])
  })
  default  = {}
  nullable = false
}

variable "network_views" {
  description = <<-EOT
    Where the spacemesh provider keeps the frontends' network lists of each document (the provider's
    discovery_views): public and/or dev => { bucket, prefix }, e.g. { bucket = "sm-discovery", prefix =
    "views/networks/" } for gs://sm-discovery/networks.json (modules/static-web/documents' `views` output derives
    them from the documents' URLs). A document given here has /networks.json of its frontend hosts (and the info
    pages' check of what is still published) served from those lists, which change in the apply that changes the
    document: a retired network leaves them with its entry. A document not given here gets lists rendered by this
    module from `published`, a run behind the document.
  EOT
  type = map(object({
    bucket = string
    prefix = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(setsubtract(keys(var.network_views), ["public", "dev"])) == 0
    error_message = "network_views takes the keys public and dev; given: ${jsonencode(keys(var.network_views))}."
  }

  validation {
    condition     = alltrue([for v in values(var.network_views) : can(regex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$", v.bucket)) && can(regex("^([^/]+/)*$", v.prefix))])
    error_message = "Each network_views entry needs a bucket name and a prefix that is empty or ends in / (and does not start with one); given: ${jsonencode(var.network_views)}."
  }
}

variable "networks" {
  description = "Further networks, listed after the published ones (in the order the frontends list them): objects as modules/static-web/site takes them, e.g. a network published by another tool. Prefer published."
  type        = any
  default     = []
}

variable "frontends" {
  description = "The frontend builds: key (bucket folder, e.g. explorer) => { app = explorer|dash, release (the active one: changing it is the switch), host, document = public|dev, per_network_hosts }. See modules/static-web/site."
  type        = any
}

variable "release_dirs" {
  description = <<-EOT
    Releases this module uploads itself: "<frontend key>/<release>" => local directory, as written by
    scripts/build-frontend.sh (its release.json must name the same frontend and release). Keep every
    release you may roll back to listed (and its directory present): removing one deletes its objects.
    An uploaded file is never overwritten: a rebuilt release with other bytes is ignored (build it under
    a new release name). Active releases not listed here must already be in the bucket (published by
    scripts/publish-frontend.sh): the plan reads their index.html and fails if it is missing.
  EOT
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.release_dirs) : can(regex("^[a-z][a-z0-9-]{0,30}/[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$", k)) && !strcontains(k, "..")])
    error_message = "release_dirs keys must be \"<frontend key>/<release>\", such as explorer/v2.1.0; given: ${jsonencode(keys(var.release_dirs))}."
  }
}

variable "info_host" {
  description = "Host of the public index page; info pages are <net_id>.<info_host>. Defaults to net.<domain>."
  type        = string
  default     = null
}

variable "aliases" {
  description = "Moving aliases: alias => net_id; { test = 118 } makes test.<info_host> show network 118's page."
  type        = map(number)
  default     = {}
  nullable    = false
}

variable "version_aliases" {
  description = "Give every devnet whose release_tag (default: node_release) is vX.Y.Z+N the host X-Y-Z-N.<info_host>."
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

variable "proxied" {
  description = "Whether Cloudflare proxies the names. Off by default: Cloudflare's universal certificate does not cover two-level names such as 118.explore.<domain>; the load balancer's Certificate Manager certificate does, and Cloud CDN caches."
  type        = bool
  default     = false
  nullable    = false
}

variable "labels" {
  description = "Labels for the bucket."
  type        = map(string)
  default     = {}
}
