# Smoke tests of the network's public endpoints, run after each apply and by Terraform Cloud's
# health assessments between applies. They live with the network, so adding or retiring a network
# needs no other edit. A failing check warns; it never blocks an apply. The URLs are built from the
# variables (known at plan time), so the checks run in every plan.

check "api_json" {
  data "http" "network_info" {
    url             = "${local.api_url}/spacemesh.v2alpha1.NetworkService/Info"
    method          = "POST"
    request_headers = { "Content-Type" = "application/json" }
    request_body    = "{}"
  }

  assert {
    condition     = data.http.network_info.status_code == 200 && can(jsondecode(data.http.network_info.response_body))
    error_message = "The JSON gateway of network ${local.net_id} does not answer POST ${local.api_url}/spacemesh.v2alpha1.NetworkService/Info with JSON (status ${data.http.network_info.status_code})."
  }
}

check "stats_api" {
  data "http" "overview" {
    url = "${local.stats_api_url}/overview"
  }

  assert {
    condition     = data.http.overview.status_code == 200 && can(jsondecode(data.http.overview.response_body).layers_count)
    error_message = "The stats API of network ${local.net_id} does not answer ${local.stats_api_url}/overview with its overview (status ${data.http.overview.status_code})."
  }
}

check "discovery_entry_published" {
  data "spacemesh_discovery" "published" {
    discovery_url = var.discovery_url
  }

  assert {
    condition     = contains(data.spacemesh_discovery.published.net_ids, var.net_id)
    error_message = "Network ${local.net_id} is not in the discovery document ${data.spacemesh_discovery.published.id}."
  }
}
