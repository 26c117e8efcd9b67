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
# The network blocks serve their frontends from here, so they set frontends = { enabled = false }
# (one owner per host name and DNS record).
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

module "web" {
  source = "../../modules/static-web"

  project_id         = var.project_id
  domain             = var.domain
  cloudflare_zone_id = var.cloudflare_zone_id
  bucket_name        = var.web_bucket

  # In the order the public frontends list them (the first is the default of explore.<domain>).
  networks = [
    module.testnet_118.network,
    module.testnet_119.network,
    merge(module.devnet_401.network, { dev = true, release_tag = "v1.2.3+1" }),
  ]
  frontends = local.web_frontends
  aliases   = { test = var.current_testnet }
}

output "web" {
  description = "The info pages, the aliases and the frontend releases in use."
  value = {
    index_urls      = module.web.index_urls
    info_urls       = module.web.info_urls
    alias_urls      = module.web.alias_urls
    active_releases = module.web.active_releases
  }
}
