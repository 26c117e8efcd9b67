resource "spacemesh_network" "testnet_118" {
  name       = "TweedleDee Open Testnet 118"
  config_url = "https://configs.spacemesh.io/118.json"
  # Current configs carry no network id: it is given here.
  net_id = 118
  domain = "spacemesh.io"

  node_release         = "v1.7.6"
  min_node_release     = "1.6.0"
  latest_node_release  = "1.7.6"
  min_smapp_release    = "1.6.0"
  latest_smapp_release = "1.7.2"

  smapp_base_download_url = "https://downloads.spacemesh.io"
  node_base_download_url  = "https://downloads.spacemesh.io"
}

# The network's discovery entry takes its fields with one line each.
resource "spacemesh_discovery_entry" "testnet_118" {
  net_id                  = spacemesh_network.testnet_118.discovery_entry.net_id
  net_name                = spacemesh_network.testnet_118.discovery_entry.net_name
  conf                    = spacemesh_network.testnet_118.discovery_entry.conf
  api_json                = spacemesh_network.testnet_118.discovery_entry.api_json
  api_grpc                = spacemesh_network.testnet_118.discovery_entry.api_grpc
  explorer                = spacemesh_network.testnet_118.discovery_entry.explorer
  dash                    = spacemesh_network.testnet_118.discovery_entry.dash
  min_node_release        = spacemesh_network.testnet_118.discovery_entry.min_node_release
  latest_node_release     = spacemesh_network.testnet_118.discovery_entry.latest_node_release
  min_smapp_release       = spacemesh_network.testnet_118.discovery_entry.min_smapp_release
  latest_smapp_release    = spacemesh_network.testnet_118.discovery_entry.latest_smapp_release
  smapp_base_download_url = spacemesh_network.testnet_118.discovery_entry.smapp_base_download_url
  node_base_download_url  = spacemesh_network.testnet_118.discovery_entry.node_base_download_url
  genesis_id              = spacemesh_network.testnet_118.discovery_entry.genesis_id
}

output "api_node_config" {
  # Mount this as the API node's config file.
  value = spacemesh_network.testnet_118.api_node_config
}
