# Upgrading modules/static-web keeps its state: the first run applies the module as its previous
# layout had it (scripts/test-modules.sh unpacks that commit's modules/ into ../../previous), the
# second plans the current module on the state it left. scripts/test-modules.sh reads that plan
# (-verbose): the load balancer's front (now in modules/https-frontend) must have moved, nothing may
# be created, destroyed or replaced.

mock_provider "google" {
  mock_resource "google_compute_global_address" {
    defaults = {
      address = "198.51.100.9"
    }
  }
  mock_resource "google_certificate_manager_dns_authorization" {
    defaults = {
      dns_resource_record = [{
        name = "_acme-challenge.host.example.org."
        type = "CNAME"
        data = "0f1e2d3c.1.authorize.certificatemanager.goog."
      }]
    }
  }
}

mock_provider "cloudflare" {}

variables {
  project_id         = "sm-web-test"
  domain             = "example.org"
  cloudflare_zone_id = "0123456789abcdef0123456789abcdef"
  bucket_name        = "sm-web-test"
  networks           = jsondecode(file("tests/site.tfvars.json")).networks
  aliases            = { test = 118 }
  frontends = {
    explorer = { app = "explorer", release = "v1.0.0", host = "explore.example.org" }
    dash     = { app = "dash", release = "v1.0.0", host = "dash.example.org" }
  }
  release_dirs = {
    "explorer/v1.0.0" = "tests/releases/explorer/v1.0.0"
    "dash/v1.0.0"     = "tests/releases/dash/v1.0.0"
  }
}

run "previous_layout" {
  state_key = "upgrade"

  module {
    source = "../../previous/modules/static-web"
  }
}

run "current_layout" {
  command   = plan
  state_key = "upgrade"

  assert {
    condition     = module.frontend.https_port_range == "443" && module.frontend.http_redirects_to_https
    error_message = "The front is there, in modules/https-frontend."
  }
}
