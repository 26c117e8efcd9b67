data "spacemesh_discovery" "live" {}

# Fail the run when the document stops listing the network this workspace serves.
check "testnet_118_is_listed" {
  assert {
    condition     = contains(data.spacemesh_discovery.live.net_ids, 118)
    error_message = "The discovery document does not list network 118."
  }
}

output "default_network" {
  # Web frontends take the first entry as their default network.
  value = try(data.spacemesh_discovery.live.entries[0].net_name, null)
}
