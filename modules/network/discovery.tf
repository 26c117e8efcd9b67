# The network's entry in the discovery document, fed from spacemesh_network. It is created last
# (everything it advertises exists first) and, because it depends on everything else, destroyed
# first: a retired network leaves the document before its services go away.
resource "spacemesh_discovery_entry" "this" {
  net_id                  = spacemesh_network.this.discovery_entry.net_id
  net_name                = spacemesh_network.this.discovery_entry.net_name
  conf                    = spacemesh_network.this.discovery_entry.conf
  api_json                = spacemesh_network.this.discovery_entry.api_json
  api_grpc                = spacemesh_network.this.discovery_entry.api_grpc
  explorer                = spacemesh_network.this.discovery_entry.explorer
  dash                    = spacemesh_network.this.discovery_entry.dash
  min_node_release        = spacemesh_network.this.discovery_entry.min_node_release
  latest_node_release     = spacemesh_network.this.discovery_entry.latest_node_release
  min_smapp_release       = spacemesh_network.this.discovery_entry.min_smapp_release
  latest_smapp_release    = spacemesh_network.this.discovery_entry.latest_smapp_release
  smapp_base_download_url = spacemesh_network.this.discovery_entry.smapp_base_download_url
  node_base_download_url  = spacemesh_network.this.discovery_entry.node_base_download_url
  genesis_id              = spacemesh_network.this.discovery_entry.genesis_id
  stats_api               = spacemesh_network.this.discovery_entry.stats_api
  dash_api                = spacemesh_network.this.discovery_entry.dash_api
  explorer_api            = spacemesh_network.this.discovery_entry.explorer_api

  extra         = var.discovery_extra
  discovery_url = var.discovery_url
  first         = var.default_network

  # Published only once the network's public JSON API reports SYNC_STATUS_SYNCED.
  wait_for_sync = var.wait_for_sync
  sync_timeout  = var.sync_timeout

  depends_on = [
    kubernetes_namespace_v1.this,
    kubernetes_service_account_v1.workloads,
    kubernetes_secret_v1.tls,
    kubernetes_network_policy_v1.default_deny,
    kubernetes_network_policy_v1.from_ingress,
    kubernetes_network_policy_v1.stats_refresh,
    kubernetes_storage_class_v1.volumes,
    terraform_data.api_node_volume,
    helm_release.api_node,
    cloudflare_dns_record.this,
    google_monitoring_uptime_check_config.endpoint,
    google_monitoring_alert_policy.endpoint_down,
    google_monitoring_custom_service.network,
    google_monitoring_slo.availability,
    google_monitoring_alert_policy.slo_burn,
    google_monitoring_alert_policy.resources,
    google_monitoring_alert_policy.cert_manager_certificates,
  ]
}
