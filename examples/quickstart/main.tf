# Quickstart: a discovery document on local disk, written by the provider from a
# bundled node config. No cloud account, no network access: run `make quickstart`
# at the repository root, or `terraform apply` here once the provider is installed.
terraform {
  required_version = ">= 1.5"
  required_providers {
    spacemesh = {
      source = "spacemeshos/spacemesh"
    }
  }
}

provider "spacemesh" {
  discovery_url = "file://${abspath(path.root)}/networks.json"
  # "smapp" is the default: the keys Smapp, smcli and the web frontends read.
  discovery_format = "smapp"
  domain           = var.domain
}

variable "domain" {
  description = "Domain of the example network's service names."
  type        = string
  default     = "example.org"
}

variable "net_id" {
  description = "Network id of the example network (the bundled config is a current one, which carries none)."
  type        = number
  default     = 118

  validation {
    condition     = var.net_id > 0 && floor(var.net_id) == var.net_id
    error_message = "net_id must be a positive whole number."
  }
}

resource "spacemesh_network" "example" {
  name       = "Example Open Testnet ${var.net_id}"
  config_url = "https://configs.${var.domain}/testnet-${var.net_id}.json"
  # Given, so nothing is fetched from config_url.
  config_json = file("${path.module}/node-config.json")
  net_id      = var.net_id

  node_release         = "v1.7.6"
  min_node_release     = "1.6.0"
  latest_node_release  = "1.7.6"
  min_smapp_release    = "1.6.0"
  latest_smapp_release = "1.7.2"

  smapp_base_download_url = "https://downloads.${var.domain}"
  node_base_download_url  = "https://downloads.${var.domain}"
}

resource "spacemesh_discovery_entry" "example" {
  net_id                  = spacemesh_network.example.discovery_entry.net_id
  net_name                = spacemesh_network.example.discovery_entry.net_name
  conf                    = spacemesh_network.example.discovery_entry.conf
  api_json                = spacemesh_network.example.discovery_entry.api_json
  api_grpc                = spacemesh_network.example.discovery_entry.api_grpc
  explorer                = spacemesh_network.example.discovery_entry.explorer
  dash                    = spacemesh_network.example.discovery_entry.dash
  min_node_release        = spacemesh_network.example.discovery_entry.min_node_release
  latest_node_release     = spacemesh_network.example.discovery_entry.latest_node_release
  min_smapp_release       = spacemesh_network.example.discovery_entry.min_smapp_release
  latest_smapp_release    = spacemesh_network.example.discovery_entry.latest_smapp_release
  smapp_base_download_url = spacemesh_network.example.discovery_entry.smapp_base_download_url
  node_base_download_url  = spacemesh_network.example.discovery_entry.node_base_download_url
  genesis_id              = spacemesh_network.example.discovery_entry.genesis_id
  stats_api               = spacemesh_network.example.discovery_entry.stats_api
  dash_api                = spacemesh_network.example.discovery_entry.dash_api
  explorer_api            = spacemesh_network.example.discovery_entry.explorer_api
}

data "spacemesh_discovery" "document" {
  depends_on = [spacemesh_discovery_entry.example]
}

output "discovery_document" {
  description = "Where the discovery document was written."
  value       = "${abspath(path.root)}/networks.json"
}

output "network" {
  description = "The example network's identity and service URLs."
  value = {
    net_id           = spacemesh_network.example.net_id
    genesis_id       = spacemesh_network.example.genesis_id
    smapp_genesis_id = spacemesh_network.example.smapp_genesis_id
    api_json_url     = spacemesh_network.example.api_json_url
    api_grpc_url     = spacemesh_network.example.api_grpc_url
    explorer_url     = spacemesh_network.example.explorer_url
    dash_url         = spacemesh_network.example.dash_url
    stats_api_url    = spacemesh_network.example.stats_api_url
  }
}

output "listed_networks" {
  description = "Net ids the document lists, in order."
  value       = data.spacemesh_discovery.document.net_ids
}
