output "network" {
  description = "The network's spacemesh_network (identity, releases, service URLs, the frontend API URLs the entry publishes): the input modules/static-web renders the network's info page and frontend list from."
  value       = spacemesh_network.this
}
