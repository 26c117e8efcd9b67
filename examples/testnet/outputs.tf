output "discovery_public_url" {
  description = "The permanent discovery URL (the only network data Smapp hard-codes)."
  value       = module.discovery.public_url
}

locals {
  # Every network block of this root (add a block, add it here).
  networks = [module.testnet_118, module.testnet_119]
}

output "networks" {
  description = "Every live network's public URLs, by net id."
  value       = { for m in local.networks : tostring(m.net_id) => m.urls }
}
