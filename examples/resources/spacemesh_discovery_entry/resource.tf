resource "spacemesh_discovery_entry" "testnet_118" {
  # The web frontends take the first entry as their default network.
  first = true

  net_id   = 118
  net_name = "TweedleDee Open Testnet 118"
  conf     = "https://configs.spacemesh.io/118.json"

  api_json = "https://118.api.spacemesh.io:9091"
  api_grpc = "https://118.api.spacemesh.io:9092"
  explorer = "https://118.explore.spacemesh.io/"
  dash     = "https://118.dash.spacemesh.io/"

  min_node_release     = "1.6.0"
  latest_node_release  = "1.7.6"
  min_smapp_release    = "1.6.0"
  latest_smapp_release = "1.7.2"

  smapp_base_download_url = "https://downloads.spacemesh.io"
  node_base_download_url  = "https://downloads.spacemesh.io"

  # Keys the provider does not model are written as they are.
  extra = {
    explorerAPI = "https://118.explorer-api.spacemesh.io/"
  }
}
