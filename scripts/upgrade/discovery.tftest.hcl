# Upgrading modules/discovery keeps its state: the first run applies the module as its previous layout
# had it (scripts/test-modules.sh unpacks that commit's modules/ into ../../previous), the second plans
# the current module on the state it left. scripts/test-modules.sh reads that plan (-verbose): the load
# balancer's front must have moved into modules/https-frontend, and the zone's SSL setting (no longer
# this module's) must be forgotten, not destroyed; nothing may be created, destroyed or replaced.

mock_provider "google" {
  mock_resource "google_compute_global_address" {
    defaults = {
      address = "198.51.100.7"
    }
  }
  mock_resource "google_certificate_manager_dns_authorization" {
    defaults = {
      dns_resource_record = [{
        name = "_acme-challenge.discover.example.org."
        type = "CNAME"
        data = "0f1e2d3c.1.authorize.certificatemanager.goog."
      }]
    }
  }
}

mock_provider "cloudflare" {}

variables {
  project_id            = "sm-web-test"
  domain                = "example.org"
  cloudflare_zone_id    = "0123456789abcdef0123456789abcdef"
  bucket_name           = "sm-discovery-test"
  notification_channels = ["projects/sm-web-test/notificationChannels/42"]
}

run "previous_layout" {
  state_key = "upgrade"

  module {
    source = "../../previous/modules/discovery"
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
