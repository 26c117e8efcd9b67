# Smoke test of the discovery document, run after each apply and by Terraform Cloud's health
# assessments between applies. Each network's own endpoints are checked by check blocks inside
# modules/network, so adding or retiring a network needs no edit here. A failing check warns; it
# never blocks an apply.

check "discovery_document" {
  data "http" "discovery" {
    url = module.discovery.public_url
  }

  assert {
    condition     = data.http.discovery.status_code == 200 && can(jsondecode(data.http.discovery.response_body))
    error_message = "${module.discovery.public_url} does not answer with a JSON document."
  }
}
