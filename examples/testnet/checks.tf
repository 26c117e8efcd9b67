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

# The web lists what the documents held when the plan began (web.tf): after a run that publishes or
# removes an entry it is one run behind. Read again after the apply, the documents tell; a warning here
# means "run once more" (Terraform Cloud: start a new run).
check "web_lists_the_published_networks" {
  data "spacemesh_discovery" "public_now" {
    discovery_url           = module.discovery.discovery_url
    empty_if_bucket_missing = true
  }

  assert {
    condition     = jsonencode(module.web.listed_net_ids.public) == jsonencode(data.spacemesh_discovery.public_now.net_ids)
    error_message = "The web lists networks ${jsonencode(module.web.listed_net_ids.public)}, ${module.discovery.public_url} now lists ${jsonencode(data.spacemesh_discovery.public_now.net_ids)}: an entry was published or removed in this run. Run once more to bring the web up to date."
  }
}

check "web_lists_the_published_devnets" {
  data "spacemesh_discovery" "dev_now" {
    discovery_url           = module.discovery_dev.discovery_url
    empty_if_bucket_missing = true
  }

  assert {
    condition     = jsonencode(module.web.listed_net_ids.dev) == jsonencode(data.spacemesh_discovery.dev_now.net_ids)
    error_message = "The web lists devnets ${jsonencode(module.web.listed_net_ids.dev)}, ${module.discovery_dev.public_url} now lists ${jsonencode(data.spacemesh_discovery.dev_now.net_ids)}: an entry was published or removed in this run. Run once more to bring the web up to date."
  }
}
