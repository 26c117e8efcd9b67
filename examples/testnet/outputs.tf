output "discovery_public_url" {
  description = "The permanent discovery URL (the only network data Smapp hard-codes)."
  value       = module.discovery.public_url
}

output "networks" {
  description = "Every live network's public URLs."
  value = {
    "118" = module.testnet_118.urls
    "119" = module.testnet_119.urls
  }
}
