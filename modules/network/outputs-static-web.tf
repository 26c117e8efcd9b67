output "network" {
  description = "The network's spacemesh_network (identity, releases, service URLs) with the frontend API URLs the module publishes: the input modules/static-web renders the network's info page and frontend list from."
  value = merge(spacemesh_network.this, {
    explorer_api_url = local.explorer_api_url
    dash_api_url     = local.dash_api_url
  })
}
