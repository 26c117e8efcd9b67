output "net_id" {
  description = "The network id."
  value       = spacemesh_network.this.net_id
}

output "genesis_id" {
  description = "The network's genesis id (the node's formula)."
  value       = spacemesh_network.this.genesis_id
}

output "namespace" {
  description = "Kubernetes namespace of the network's workloads."
  value       = local.ns
}

output "service_account_name" {
  description = "The Kubernetes service account every pod of the network runs as (no API rights, no token)."
  value       = kubernetes_service_account_v1.workloads.metadata[0].name
}

output "hosts" {
  description = "The host names this module serves and makes DNS records for (the TLS certificate must cover them): api (JSON gateway and gRPC on 443) and stats (the explorer stats API)."
  value       = { for k in keys(local.dns_records) : k => local.hosts[k] }
}

output "frontend_hosts" {
  description = "The explorer and dashboard hosts the discovery entry publishes (served by the static frontends, not by this module)."
  value       = { explorer = local.hosts.explorer, dash = local.hosts.dash }
}

output "dns_records" {
  description = "The Cloudflare records: host name and whether Cloudflare proxies it (the API host, which carries gRPC, never)."
  value       = { for k, r in cloudflare_dns_record.this : k => { id = r.id, name = r.name, proxied = r.proxied } }
}

output "urls" {
  description = "The public service URLs, as published in the discovery entry."
  value = {
    api_json  = spacemesh_network.this.api_json_url
    api_grpc  = spacemesh_network.this.api_grpc_url
    explorer  = spacemesh_network.this.explorer_url
    dash      = spacemesh_network.this.dash_url
    stats_api = spacemesh_network.this.stats_api_url
  }
}

output "images" {
  description = "The images the network runs."
  value       = local.images
}

output "helm_releases" {
  description = "Helm release ids (names) per workload."
  value       = { api_node = helm_release.api_node.id }
}

output "discovery_entry_id" {
  description = "Id of the network's discovery entry (<discovery_url>#<net_id>)."
  value       = spacemesh_discovery_entry.this.id
}

output "uptime_check_ids" {
  description = "Cloud Monitoring uptime check ids per public endpoint."
  value       = { for k, c in google_monitoring_uptime_check_config.endpoint : k => c.uptime_check_id }
}
