output "discovery_public_url" {
  description = "The permanent discovery URL (the only network data Smapp hard-codes)."
  value       = module.discovery.public_url
}

# From the published documents, so a network block needs no line here.
output "networks" {
  description = "Every published network's public URLs, by net id (the public document: testnets)."
  value = {
    for e in module.published.entries.public : tostring(e.net_id) => {
      api_json  = e.api_json
      api_grpc  = e.api_grpc
      explorer  = e.explorer
      dash      = e.dash
      stats_api = e.stats_api
    }
  }
}

output "devnets" {
  description = "Every published devnet's public URLs, by net id (networks-dev.json)."
  value = {
    for e in module.published.entries.dev : tostring(e.net_id) => {
      api_json  = e.api_json
      api_grpc  = e.api_grpc
      explorer  = e.explorer
      dash      = e.dash
      stats_api = e.stats_api
    }
  }
}
