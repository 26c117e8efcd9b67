# Reads the published discovery documents for modules/static-web (its `published` input): the web
# lists exactly the networks these documents hold, in their order. A document whose bucket does not
# exist yet (the first plan of a workspace that creates it) reads as empty, so that plan needs no
# -target.

terraform {
  required_version = ">= 1.11"

  required_providers {
    spacemesh = {
      source  = "spacemeshos/spacemesh"
      version = ">= 0.0.1"
    }
  }
}

variable "discovery_urls" {
  description = "The documents to read, by the web's name for them: public (the testnets' document) and dev (the devnets'), each a discovery_url (gs://<bucket>/<object> or file://)."
  type        = map(string)
  nullable    = false

  validation {
    condition     = length(setsubtract(keys(var.discovery_urls), ["public", "dev"])) == 0
    error_message = "discovery_urls takes the keys public and dev; given: ${jsonencode(keys(var.discovery_urls))}."
  }
}

data "spacemesh_discovery" "this" {
  for_each = var.discovery_urls

  discovery_url           = each.value
  empty_if_bucket_missing = true
}

output "entries" {
  description = "Each document's entries, in document order, as the spacemesh_discovery data source reads them: modules/static-web's `published`."
  value       = { for k, d in data.spacemesh_discovery.this : k => d.entries }
}

output "net_ids" {
  description = "Each document's net ids, in document order."
  value       = { for k, d in data.spacemesh_discovery.this : k => d.net_ids }
}

locals {
  # [bucket, object] of every gs:// document.
  gcs_objects = { for k, u in var.discovery_urls : k => regex("^gs://([^/]+)/(.+)$", u) if startswith(u, "gs://") }
}

output "views" {
  description = "Where the spacemesh provider keeps each gs:// document's network lists when its discovery_views is on (views/<object name less .json>/ beside the object): modules/static-web's `network_views`."
  value = {
    for k, o in local.gcs_objects : k => {
      bucket = o[0]
      prefix = "${dirname(o[1]) == "." ? "" : "${dirname(o[1])}/"}views/${trimsuffix(basename(o[1]), ".json")}/"
    }
  }
}
