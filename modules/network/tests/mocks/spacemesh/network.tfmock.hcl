# spacemesh_network's computed values as the real provider computes them for net 118 on
# example.org, shared by the plan-level tests.
mock_resource "spacemesh_network" {
  override_during = plan
  defaults = {
    api_host               = "118.api.example.org"
    explorer_host          = "118.explore.example.org"
    dash_host              = "118.dash.example.org"
    api_json_url           = "https://118.api.example.org"
    api_grpc_url           = "https://118.api.example.org"
    explorer_url           = "https://118.explore.example.org/"
    dash_url               = "https://118.dash.example.org/"
    stats_api_host         = "118.stats.example.org"
    stats_api_url          = "https://118.stats.example.org"
    explorer_api_url       = "https://118.stats.example.org"
    dash_api_url           = "https://118.stats.example.org/#dash-118"
    allowed_origins        = ["https://118.explore.example.org", "https://118.dash.example.org"]
    labels_per_unit        = 4096
    api_node_version       = "1.7.6"
    id                     = "118"
    hrp                    = "stest"
    genesis_time           = "2026-09-01T12:00:00Z"
    layer_duration         = "5m0s"
    layers_per_epoch       = 288
    layer_duration_seconds = 300
    genesis_id             = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
    smapp_genesis_id       = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
    config_sha256          = "0000000000000000000000000000000000000000000000000000000000000000"
    api_node_config        = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
    discovery_entry = {
      net_id                  = 118
      net_name                = "TweedleDee Open Testnet 118"
      conf                    = "https://configs.example.org/testnet-118.json"
      api_json                = "https://118.api.example.org"
      api_grpc                = "https://118.api.example.org"
      explorer                = "https://118.explore.example.org/"
      dash                    = "https://118.dash.example.org/"
      min_node_release        = "1.7.0"
      latest_node_release     = "v1.7.6"
      min_smapp_release       = "1.6.0"
      latest_smapp_release    = "1.7.2"
      smapp_base_download_url = "https://smapp.example.org/dist"
      node_base_download_url  = "https://downloads.example.org/go-spacemesh"
      genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
      stats_api               = "https://118.stats.example.org"
      dash_api                = "https://118.stats.example.org/#dash-118"
      explorer_api            = "https://118.stats.example.org"
    }
  }
}

# The document as published once the entry is written (the check block reads it).
mock_data "spacemesh_discovery" {
  override_during = plan
  defaults = {
    net_ids = [118]
  }
}
