output "network" {
  description = "The network's spacemesh_network (identity, releases, service URLs, the frontend API URLs the entry publishes). modules/static-web renders the published networks from the discovery document, not from this; it takes such objects in `networks` only for a network published by other means. Referring to it from a shared module makes that module depend on this network (a targeted destroy of the network would take it along)."
  value       = spacemesh_network.this
}
