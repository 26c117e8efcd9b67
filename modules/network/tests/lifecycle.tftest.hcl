# Changes of releases are in-place updates: every resource keeps its identity (a mocked resource
# that is replaced gets a new random id). Removing frontends removes exactly their resources.

mock_provider "google" {}
mock_provider "helm" {}
mock_provider "kubernetes" {}
mock_provider "cloudflare" {}

mock_provider "spacemesh" {
  source = "./tests/mocks/spacemesh"
}

variables {
  net_id                   = 118
  name                     = "TweedleDee Open Testnet 118"
  config_url               = "https://configs.example.org/testnet-118.json"
  node_release             = "v1.7.6"
  min_node_release         = "1.7.0"
  min_smapp_release        = "1.6.0"
  latest_smapp_release     = "1.7.2"
  smapp_base_download_url  = "https://smapp.example.org/dist"
  node_base_download_url   = "https://downloads.example.org/go-spacemesh"
  explorer_backend_release = "v1.7.7"
  dash_backend_release     = "v1.2.0"
  frontends                = { explorer_release = "v2.1.0", dash_release = "v1.4.0" }
  domain                   = "example.org"
  cloudflare_zone_id       = "0123456789abcdef0123456789abcdef"
  project_id               = "sm-web-test"
  notification_channels    = ["projects/sm-web-test/notificationChannels/123"]
  ingress                  = { ip_address = "203.0.113.10" }
  tls = {
    secret_manager = { project = "sm-secrets", certificate_secret = "t118-crt", private_key_secret = "t118-key" }
  }
}

run "create" {
  command = apply
}

run "node_release_upgrade" {
  command = apply

  variables {
    node_release = "v1.7.7"
  }

  assert {
    condition     = output.helm_releases == run.create.helm_releases && output.dns_records == run.create.dns_records && output.uptime_check_ids == run.create.uptime_check_ids && output.discovery_entry_id == run.create.discovery_entry_id && output.namespace == run.create.namespace
    error_message = "A node upgrade must update releases in place, not replace anything."
  }

  assert {
    condition     = helm_release.api_node.set[0].value == "spacemeshos/go-spacemesh:v1.7.7" && [for s in helm_release.explorer.set : s.value if s.name == "node.image"] == ["spacemeshos/go-spacemesh:v1.7.7"]
    error_message = "Both the API node and the collector's node move to the new release."
  }

  assert {
    condition     = spacemesh_network.this.latest_node_release == "v1.7.7" && spacemesh_network.this.node_release == "v1.7.7"
    error_message = "The network (and through it the discovery entry) advertises the new latest node release."
  }
}

run "smapp_release_update" {
  command = apply

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
  }

  assert {
    condition     = output.helm_releases == run.create.helm_releases && output.discovery_entry_id == run.create.discovery_entry_id && output.images == run.node_release_upgrade.images
    error_message = "A Smapp release update touches the discovery entry only."
  }

  assert {
    condition     = spacemesh_network.this.latest_smapp_release == "1.7.3"
    error_message = "The network advertises the new Smapp release."
  }
}

run "frontend_release_update" {
  command = apply

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
    frontends            = { explorer_release = "v2.2.0", dash_release = "v1.4.0" }
  }

  assert {
    condition     = output.helm_releases == run.create.helm_releases && output.images.explorer_frontend == "spacemeshos/explorer-frontend:v2.2.0" && output.images.node == "spacemeshos/go-spacemesh:v1.7.7"
    error_message = "A frontend release update is an in-place upgrade of that frontend only."
  }
}

run "frontends_off_removes_only_frontends" {
  command = apply

  variables {
    node_release         = "v1.7.7"
    latest_smapp_release = "1.7.3"
    frontends            = { enabled = false }
  }

  assert {
    condition = (
      toset(keys(output.helm_releases)) == toset(["api_node", "dashboard", "explorer"]) &&
      output.helm_releases.api_node == run.create.helm_releases.api_node &&
      toset(keys(output.dns_records)) == toset(["api", "dash_api", "explorer_api"]) &&
      output.dns_records.api == run.create.dns_records.api &&
      output.discovery_entry_id == run.create.discovery_entry_id
    )
    error_message = "Switching the frontends off removes their workloads, records and checks and nothing else."
  }
}
