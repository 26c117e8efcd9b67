variable "project_id" {
  description = "Google Cloud project that holds the bucket and the load balancer."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id (6-30 lower-case letters, digits and hyphens, starting with a letter)."
  }
}

variable "domain" {
  description = "The operator's DNS zone, e.g. spacemesh.io. Never hard-coded: the permanent name is built from it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lower-case DNS name with at least two labels, such as spacemesh.io (no scheme, no trailing dot)."
  }
}

variable "hostname" {
  description = "Permanent host name of the discovery service. Defaults to discover.<domain>. It must lie inside the Cloudflare zone."
  type        = string
  default     = null

  validation {
    condition     = var.hostname == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.hostname))
    error_message = "hostname must be a lower-case DNS name such as discover.spacemesh.io."
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

variable "proxied" {
  description = "Whether Cloudflare proxies the permanent name (then the provider's cloudflare purge options matter). The certificate is authorised through DNS, so it provisions and renews either way."
  type        = bool
  default     = true
}

variable "bucket_name" {
  description = "Name of the GCS bucket that holds the discovery document (globally unique). The bucket is dedicated to discovery."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("^goog|google", var.bucket_name))
    error_message = "bucket_name must be 3-63 lower-case letters, digits, hyphens or underscores, start and end with a letter or digit, and not start with \"goog\" or contain \"google\" (dotted names need domain verification and are not supported here)."
  }
}

variable "location" {
  description = "GCS location of the bucket (multi-region such as US or EU, or a region)."
  type        = string
  default     = "US"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+$", var.location))
    error_message = "location must be a GCS location such as US, EU or us-central1."
  }
}

variable "object_name" {
  description = "Name of the discovery document inside the bucket. The permanent URL answers with it both at / and at /<object_name>."
  type        = string
  default     = "networks.json"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,253}\\.json$", var.object_name)) && !can(regex("//|\\.\\./", var.object_name))
    error_message = "object_name must be a relative object path ending in .json, without a leading slash, \"//\" or \"../\" (e.g. networks.json)."
  }
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/<p>/notificationChannels/<id>) the discovery URL's alert goes to. Empty: the alert opens incidents without notifying anyone."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "notification_channels must be ids of the form projects/<project>/notificationChannels/<id>."
  }
}

variable "uptime_check_period" {
  description = "How often the permanent discovery URL is probed."
  type        = string
  default     = "60s"

  validation {
    condition     = contains(["60s", "300s", "600s", "900s"], var.uptime_check_period)
    error_message = "uptime_check_period must be one of 60s, 300s, 600s, 900s."
  }
}

variable "certificate_expiry_days" {
  description = "Alert when the discovery URL's certificate expires in fewer days than this (Google renews managed certificates about 30 days ahead; an alert means renewal is stuck)."
  type        = number
  default     = 21

  validation {
    condition     = var.certificate_expiry_days >= 1 && var.certificate_expiry_days <= 60
    error_message = "certificate_expiry_days must be between 1 and 60."
  }
}

variable "cors_origins" {
  description = "Browser origins allowed to fetch the document and configs (the explorer and dashboard frontends, Smapp's renderer). The document is public, so [\"*\"] is the default."
  type        = list(string)
  default     = ["*"]

  validation {
    condition     = length(var.cors_origins) > 0 && alltrue([for o in var.cors_origins : o == "*" || can(regex("^https://[a-z0-9.*-]+(:[0-9]+)?$", o))])
    error_message = "cors_origins must be \"*\" or https origins such as https://118.explore.spacemesh.io (the spec forbids plain http)."
  }
}

variable "cdn_ttl_seconds" {
  description = "Longest time Cloud CDN (and, through Cache-Control, browsers) may serve a cached copy of the document. Keep it short: a release or network change must reach clients within minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.cdn_ttl_seconds >= 0 && var.cdn_ttl_seconds <= 600 && floor(var.cdn_ttl_seconds) == var.cdn_ttl_seconds
    error_message = "cdn_ttl_seconds must be a whole number of seconds between 0 and 600."
  }
}

variable "noncurrent_versions_kept" {
  description = "How many older versions of each object to keep (object versioning is always on so that any bad write can be rolled back)."
  type        = number
  default     = 100

  validation {
    condition     = var.noncurrent_versions_kept >= 1 && floor(var.noncurrent_versions_kept) == var.noncurrent_versions_kept
    error_message = "noncurrent_versions_kept must be a whole number of at least 1."
  }
}

variable "document_writers" {
  description = "IAM members that write the document (the identity Terraform runs as, e.g. serviceAccount:tfc@project.iam.gserviceaccount.com). They get roles/storage.objectUser on this bucket only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.document_writers : can(regex("^(serviceAccount|user|group|principal|principalSet):.+", m))])
    error_message = "document_writers must be IAM member strings such as serviceAccount:tfc@my-project.iam.gserviceaccount.com."
  }
}

variable "name_prefix" {
  description = "Prefix of the Google Cloud resource names (load balancer, address, certificate)."
  type        = string
  default     = "spacemesh-discovery"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-40 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "labels" {
  description = "Labels added to the bucket."
  type        = map(string)
  default     = {}
}

variable "bucket_deletion_policy" {
  description = "What destroying the module does to the bucket: PREVENT (fail; the default, since the bucket holds the document's history), ABANDON (forget it) or DELETE."
  type        = string
  default     = "PREVENT"

  validation {
    condition     = contains(["PREVENT", "ABANDON", "DELETE"], var.bucket_deletion_policy)
    error_message = "bucket_deletion_policy must be PREVENT, ABANDON or DELETE."
  }
}
