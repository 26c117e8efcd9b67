# Production root of the Spacemesh web services: the discovery service once, and one module block
# per live network. See README.md for the runbook (new testnet, retirement, upgrades).

provider "google" {
  project = var.project_id
  region  = var.region
}

# Ephemeral reads (the access token of the kubernetes and helm providers, the networks' TLS
# certificates from Secret Manager): their values are never stored in state or plans.
provider "google" {
  alias   = "ephemeral"
  project = var.project_id
  region  = var.region
}

ephemeral "google_client_config" "this" {
  provider = google.ephemeral
}

data "google_container_cluster" "web" {
  project  = var.project_id
  name     = var.cluster_name
  location = var.region
}

provider "kubernetes" {
  host                   = "https://${data.google_container_cluster.web.endpoint}"
  token                  = ephemeral.google_client_config.this.access_token
  cluster_ca_certificate = base64decode(data.google_container_cluster.web.master_auth[0].cluster_ca_certificate)
}

provider "helm" {
  kubernetes = {
    host                   = "https://${data.google_container_cluster.web.endpoint}"
    token                  = ephemeral.google_client_config.this.access_token
    cluster_ca_certificate = base64decode(data.google_container_cluster.web.master_auth[0].cluster_ca_certificate)
  }
}

# Credentials from CLOUDFLARE_API_TOKEN (a token limited to DNS edit and cache purge on the zone).
provider "cloudflare" {}

provider "spacemesh" {
  discovery_url = module.discovery.discovery_url
  domain        = var.domain

  # The frontends' network lists beside each document, rewritten with it (served by modules/static-web).
  discovery_views = true

  # After each write of the document, purge its public URLs from Cloudflare's cache
  # (token from CLOUDFLARE_API_TOKEN).
  cloudflare_zone_id    = var.cloudflare_zone_id
  discovery_public_urls = module.discovery.public_urls
}

module "discovery" {
  source = "../../modules/discovery"

  project_id         = var.project_id
  domain             = var.domain
  cloudflare_zone_id = var.cloudflare_zone_id
  bucket_name        = var.discovery_bucket
  document_writers   = [var.terraform_service_account]

  # The permanent URL's uptime check and alert.
  notification_channels = var.notification_channels
}

# The zone's SSL mode: Full (strict), one owner per zone (here; modules/discovery, used twice on this
# zone, used to set it once per instance). In Flexible mode Cloudflare talks plain http to the origins
# and their http->https redirects (the load balancers', the ingress controller's) loop forever; Full
# without strict accepts any certificate. Every origin here presents a valid one.
resource "cloudflare_zone_setting" "ssl" {
  zone_id    = var.cloudflare_zone_id
  setting_id = "ssl"
  value      = "strict"
}

# Taken over from the discovery module that set it before (its other instance's copy is forgotten
# there, without a change to the zone).
moved {
  from = module.discovery.cloudflare_zone_setting.ssl[0]
  to   = cloudflare_zone_setting.ssl
}

locals {
  # What every network shares.
  platform = {
    domain                = var.domain
    cloudflare_zone_id    = var.cloudflare_zone_id
    project_id            = var.project_id
    notification_channels = var.notification_channels
    ingress               = { ip_address = var.ingress_ip }
  }
}

# ---------------------------------------------------------------------------------------------
# Networks: one block each. Retire one by deleting its block (or
# `terraform destroy -target=module.testnet_<id>`); its discovery entry goes first.
# ---------------------------------------------------------------------------------------------

module "testnet_118" {
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

  # The frontends' default network: its entry is kept first in the document.
  default_network = true

  net_id     = 118
  name       = "TweedleDee Open Testnet 118"
  config_url = "https://configs.${var.domain}/testnet-118.json"

  node_release            = "v1.7.6"
  min_node_release        = "1.7.0"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.${var.domain}/dist"
  node_base_download_url  = "https://downloads.${var.domain}/go-spacemesh"

  # explorer-stats-api (explorer-backend v2.x), beside the API node.
  stats_api_release = "v2.1.0"

  tls = {
    secret_manager = {
      project            = var.tls_secret_project
      certificate_secret = "testnet-118-tls-crt"
      private_key_secret = "testnet-118-tls-key"
    }
  }

  domain                = local.platform.domain
  cloudflare_zone_id    = local.platform.cloudflare_zone_id
  project_id            = local.platform.project_id
  notification_channels = local.platform.notification_channels
  ingress               = local.platform.ingress
}

module "testnet_119" {
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

  net_id     = 119
  name       = "TweedleDum Open Testnet 119"
  config_url = "https://configs.${var.domain}/testnet-119.json"

  node_release            = "v1.7.6"
  min_node_release        = "1.7.6"
  min_smapp_release       = "1.7.2"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.${var.domain}/dist"
  node_base_download_url  = "https://downloads.${var.domain}/go-spacemesh"

  # explorer-stats-api (explorer-backend v2.x), beside the API node.
  stats_api_release = "v2.1.0"

  tls = {
    secret_manager = {
      project            = var.tls_secret_project
      certificate_secret = "testnet-119-tls-crt"
      private_key_secret = "testnet-119-tls-key"
    }
  }

  domain                = local.platform.domain
  cloudflare_zone_id    = local.platform.cloudflare_zone_id
  project_id            = local.platform.project_id
  notification_channels = local.platform.notification_channels
  ingress               = local.platform.ingress
}
