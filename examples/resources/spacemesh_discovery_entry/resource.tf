resource "spacemesh_discovery_entry" "testnet_118" {
  # The web frontends take the first entry as their default network.
  first = true

  net_id   = 118
  net_name = "TweedleDee Open Testnet 118"
  conf     = "https://configs.spacemesh.io/118.json"

  # One https host on 443 serves gRPC and the JSON gateway.
  api_json = "https://118.api.spacemesh.io"
  api_grpc = "https://118.api.spacemesh.io"
  explorer = "https://118.explore.spacemesh.io/"
  dash     = "https://118.dash.spacemesh.io/"

  min_node_release     = "1.6.0"
  latest_node_release  = "1.7.6"
  min_smapp_release    = "1.6.0"
  latest_smapp_release = "1.7.2"

  smapp_base_download_url = "https://downloads.spacemesh.io"
  node_base_download_url  = "https://downloads.spacemesh.io"

  # What the explorer and dashboard frontends read.
  stats_api    = "https://118.stats.spacemesh.io"
  dash_api     = "https://118.stats.spacemesh.io/#dash-118"
  explorer_api = "https://118.stats.spacemesh.io"

  # Publish only once the node answers, synced, through its public URL.
  wait_for_sync = true

  # Keys the provider does not model are written as they are.
  extra = {
    explorerVersion = "v2.1.0"
  }
}
