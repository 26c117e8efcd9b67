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
  providers = {
    google         = google
    google.secrets = google.ephemeral
    helm           = helm
    kubernetes     = kubernetes
    cloudflare     = cloudflare
    spacemesh      = spacemesh
    http           = http
  }

  # The entry goes into networks-dev.json, not into the provider's (public) document.
  discovery_url = module.discovery_dev.discovery_url

  net_id     = 401
  name       = "Devnet 401"
  config_url = "https://configs.${var.domain}/devnet-401.json"

  # Deployed for the devnet tag v1.2.3+1 (web.tf names its info page after it: 1-2-3-1.net.<domain>).
  # No image can carry that tag ('+' is not allowed in Docker tags, and go-spacemesh's image workflow
  # pushes git tags as they are), so the node runs the tag's commit from the dev repository, and
  # node_version says which go-spacemesh release that is.
  node_release            = "4f2a9c1"
  node_version            = "1.2.3"
  min_node_release        = "1.2.3"
  latest_node_release     = "1.2.3+1"
  min_smapp_release       = "1.7.2"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.${var.domain}/dist"
  node_base_download_url  = "https://downloads.${var.domain}/go-spacemesh"

  stats_api_release = "v2.1.0"

  # Served by the dev frontend builds of modules/static-web (web.tf).
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
