# Smoke tests of every public endpoint, run after each apply and by Terraform Cloud's health
# assessments between applies. A failing check warns; it never blocks an apply.

check "discovery_document" {
  data "http" "discovery" {
    url = module.discovery.public_url
  }

  assert {
    condition     = data.http.discovery.status_code == 200 && can(jsondecode(data.http.discovery.response_body))
    error_message = "${module.discovery.public_url} does not answer with a JSON document."
  }
}

check "testnet_118_api_json" {
  data "http" "testnet_118_info" {
    url             = "${module.testnet_118.urls.api_json}/spacemesh.v2alpha1.NetworkService/Info"
    method          = "POST"
    request_headers = { "Content-Type" = "application/json" }
    request_body    = "{}"
  }

  assert {
    condition     = data.http.testnet_118_info.status_code == 200
    error_message = "The JSON gateway of testnet 118 does not answer NetworkService/Info (status ${data.http.testnet_118_info.status_code})."
  }
}

check "testnet_118_explorer_api" {
  data "http" "testnet_118_network_info" {
    url = "${trimsuffix(module.testnet_118.urls.explorer_api, "/")}/network-info"
  }

  assert {
    condition     = data.http.testnet_118_network_info.status_code == 200
    error_message = "The explorer API of testnet 118 does not answer /network-info (status ${data.http.testnet_118_network_info.status_code})."
  }
}

check "testnet_118_dash_api" {
  data "http" "testnet_118_healthz" {
    url = "https://${module.testnet_118.hosts.dash_api}/healthz"
  }

  assert {
    condition     = data.http.testnet_118_healthz.status_code == 200
    error_message = "The dashboard backend of testnet 118 is not healthy and synced (/healthz status ${data.http.testnet_118_healthz.status_code})."
  }
}

check "testnet_119_api_json" {
  data "http" "testnet_119_info" {
    url             = "${module.testnet_119.urls.api_json}/spacemesh.v2alpha1.NetworkService/Info"
    method          = "POST"
    request_headers = { "Content-Type" = "application/json" }
    request_body    = "{}"
  }

  assert {
    condition     = data.http.testnet_119_info.status_code == 200
    error_message = "The JSON gateway of testnet 119 does not answer NetworkService/Info (status ${data.http.testnet_119_info.status_code})."
  }
}

check "testnet_119_explorer_api" {
  data "http" "testnet_119_network_info" {
    url = "${trimsuffix(module.testnet_119.urls.explorer_api, "/")}/network-info"
  }

  assert {
    condition     = data.http.testnet_119_network_info.status_code == 200
    error_message = "The explorer API of testnet 119 does not answer /network-info (status ${data.http.testnet_119_network_info.status_code})."
  }
}

check "testnet_119_dash_api" {
  data "http" "testnet_119_healthz" {
    url = "https://${module.testnet_119.hosts.dash_api}/healthz"
  }

  assert {
    condition     = data.http.testnet_119_healthz.status_code == 200
    error_message = "The dashboard backend of testnet 119 is not healthy and synced (/healthz status ${data.http.testnet_119_healthz.status_code})."
  }
}
