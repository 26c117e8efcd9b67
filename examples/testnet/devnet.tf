# Devnets (tags vX.Y.Z+N) publish into their own discovery document, networks-dev.json at its own
# permanent URL, so a devnet never appears in the public list that Smapp and the public frontends read.
# The dev frontend builds (web.tf, document = "dev") list only the devnets.

variable "discovery_dev_bucket" {
  description = "Name of the bucket of the devnets' discovery document (globally unique)."
  type        = string
  default     = "sm-discovery-dev-example"
}

module "discovery_dev" {
  source = "../../modules/discovery"

  project_id         = var.project_id
  domain             = var.domain
  cloudflare_zone_id = var.cloudflare_zone_id
  hostname           = "discover-dev.${var.domain}"
  bucket_name        = var.discovery_dev_bucket
  object_name        = "networks-dev.json"
  name_prefix        = "spacemesh-discovery-dev"
  document_writers   = [var.terraform_service_account]
}

module "devnet_401" {
  source = "../../modules/network"

  # The entry goes into networks-dev.json, not into the provider's (public) document.
  discovery_url = module.discovery_dev.discovery_url

  net_id     = 401
  name       = "Devnet 401"
  config_url = "https://configs.${var.domain}/devnet-401.json"

  # The release tag the devnet is deployed for; its info page gets the host 1-2-3-1.net.<domain> (web.tf).
  node_release            = "v1.2.3+1"
  min_node_release        = "1.2.3"
  min_smapp_release       = "1.7.2"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.${var.domain}/dist"
  node_base_download_url  = "https://downloads.${var.domain}/go-spacemesh"

  explorer_backend_release = "v1.7.7"
  dash_backend_release     = "v1.2.0"
  # Served by the dev frontend builds of modules/static-web (web.tf), not from the cluster.
  frontends = {
    enabled = false
  }
  explorer_host_pattern = "{net_id}.explore-dev.{domain}"
  dash_host_pattern     = "{net_id}.dash-dev.{domain}"

  tls = {
    secret_manager = {
      project            = var.tls_secret_project
      certificate_secret = "devnet-401-tls-crt"
      private_key_secret = "devnet-401-tls-key"
    }
  }

  domain                = local.platform.domain
  cloudflare_zone_id    = local.platform.cloudflare_zone_id
  project_id            = local.platform.project_id
  notification_channels = local.platform.notification_channels
  ingress               = local.platform.ingress
}

output "devnet_discovery_public_url" {
  description = "The devnets' discovery document (networks-dev.json)."
  value       = module.discovery_dev.public_url
}
