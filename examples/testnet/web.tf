# The explorer and dashboard frontends as static releases behind one https load balancer with Cloud
# CDN, each network's info page, and the release aliases (modules/static-web).
#
#   explore.<domain>, dash.<domain>                 the public builds, opening on the first network
#   <net_id>.explore.<domain>, <net_id>.dash.<domain> the same builds, opening on network <net_id>
#   explore-dev.<domain>, <net_id>.explore-dev.<domain> the dev build, listing only the devnets
#   net.<domain>, <net_id>.net.<domain>              the index and each network's info page
#   test.net.<domain>                                the current testnet's page (var.current_testnet)
#   1-2-3-1.net.<domain>                             the devnet deployed for v1.2.3+1
#
# Every network on the web comes from the published discovery documents (networks.json, and
# networks-dev.json for the devnets), read below: nothing here names a network block. Adding a block
# publishes its entry once its node is synced (wait_for_sync); the next run puts it on the web (lists,
# info page, per-network hosts and their DNS records). Removing a block removes its entry first; the
# next run takes it off the web. A targeted destroy of a network touches nothing here.
#
# Except the lists the frontends read at /networks.json: the spacemesh provider rewrites them beside the
# document in the same write as an entry (discovery_views), so a network leaves every frontend's list,
# and the index and info pages mark it as no longer published, in the apply that removes its entry.
#
# Releases: CI builds each with scripts/build-frontend.sh and publishes it with
# scripts/publish-frontend.sh (create-only uploads, index.html last); switching is changing a release
# below, and rolling back is changing it back. The plan fails if a release is not in the bucket.

variable "web_bucket" {
  description = "Name of the bucket of the frontend releases and info pages (globally unique)."
  type        = string
  default     = "sm-web-example"
}

variable "current_testnet" {
  description = "The network test.net.<domain> shows: moving the alias to the next testnet is changing this value."
  type        = number
  default     = 118
}

locals {
  web_frontends = {
    explorer     = { app = "explorer", release = "v2.1.0", host = "explore.${var.domain}" }
    dash         = { app = "dash", release = "v1.4.0", host = "dash.${var.domain}" }
    explorer-dev = { app = "explorer", release = "v2.1.0", host = "explore-dev.${var.domain}", document = "dev" }
    dash-dev     = { app = "dash", release = "v1.4.0", host = "dash-dev.${var.domain}", document = "dev" }
  }
}

# The documents as they are when the plan begins. On the first plan of a new workspace their buckets
# do not exist yet: they read as empty, and nothing is listed until the networks publish.
module "published" {
  source = "../../modules/static-web/documents"

  discovery_urls = {
    public = module.discovery.discovery_url
    dev    = module.discovery_dev.discovery_url
  }
}

module "web" {
  source = "../../modules/static-web"

  project_id         = var.project_id
  domain             = var.domain
  cloudflare_zone_id = var.cloudflare_zone_id
  bucket_name        = var.web_bucket

  # In document order (the default network's entry is first: the default of explore.<domain>).
  published = module.published.entries
  # The frontends' /networks.json: the lists the spacemesh provider rewrites with each document
  # (discovery_views), so a network leaves them in the apply that removes its entry.
  network_views = module.published.views
  frontends     = local.web_frontends
  aliases       = { test = var.current_testnet }
}

output "web" {
  description = "The info pages, the aliases and the frontend releases in use."
  value = {
    index_urls      = module.web.index_urls
    info_urls       = module.web.info_urls
    alias_urls      = module.web.alias_urls
    active_releases = module.web.active_releases
    listed_net_ids  = module.web.listed_net_ids
  }
}
