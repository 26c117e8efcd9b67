# Run by scripts/test-modules-kube.sh only (terraform test -test-directory=tests/kube), against a
# local kube-apiserver: the real kubernetes and helm providers (KUBE_CONFIG_PATH) install the
# module's namespace, service account, certificate Secret, network policies and its helm release
# (API node with the stats API beside it, the content-type route: the script installs Traefik's CRDs
# first). helm_wait = false: there is no scheduler, pods stay Pending. Google, Cloudflare and http
# are mocked; the spacemesh provider is real (file:// document).

mock_provider "google" {}

# The secrets reader is the real google provider (mocks cannot serve ephemeral resources), pointed at
# the fake Secret Manager the test scripts run on 127.0.0.1:28573.
provider "google" {
  alias                          = "secrets"
  access_token                   = "test-token"
  secret_manager_custom_endpoint = "http://127.0.0.1:28573/v1/"
}

mock_provider "cloudflare" {
  mock_data "cloudflare_ip_ranges" {
    defaults = {
      ipv4_cidrs = ["173.245.48.0/20", "103.21.244.0/22"]
      ipv6_cidrs = ["2400:cb00::/32"]
    }
  }
}
mock_provider "http" {
  # The endpoints answer as live ones do (the check blocks pass).
  mock_data "http" {
    override_during = plan
    defaults = {
      status_code   = 200
      response_body = "{\"layers_count\": 1}"
    }
  }
}

variables {
  net_id                  = 118
  name                    = "TweedleDee Open Testnet 118"
  config_url              = "https://configs.example.org/testnet-118.json"
  config_json             = file("tests/testdata/testnet-118.json")
  node_release            = "v1.7.6"
  min_node_release        = "1.7.0"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://downloads.example.org/go-spacemesh"
  stats_api_release       = "v2.1.0"
  domain                  = "example.org"
  cloudflare_zone_id      = "0123456789abcdef0123456789abcdef"
  project_id              = "sm-web-test"
  notification_channels   = ["projects/sm-web-test/notificationChannels/123"]
  ingress                 = { ip_address = "203.0.113.10" }
  tls = {
    secret_manager = { project = "sm-secrets", certificate_secret = "t118-crt", private_key_secret = "t118-key" }
  }
  helm_wait     = false
  wait_for_sync = false
}

run "install" {
  command = apply

  assert {
    condition = alltrue([
      for r in [helm_release.api_node] :
      r.status == "deployed" && r.metadata.revision == 1 && r.namespace == "spacemesh-118"
    ])
    error_message = "The chart installs into the network's namespace."
  }

  assert {
    condition     = kubernetes_namespace_v1.this[0].metadata[0].labels["pod-security.kubernetes.io/enforce"] == "baseline"
    error_message = "The namespace enforces the baseline Pod Security Standard."
  }
}

run "plan_node_upgrade" {
  command = plan

  variables {
    node_release = "v1.7.7"
  }
}

run "node_upgrade" {
  command = apply

  variables {
    node_release = "v1.7.7"
  }

  assert {
    condition     = helm_release.api_node.metadata.revision == 2 && helm_release.api_node.status == "deployed"
    error_message = "A node upgrade is a helm upgrade (revision 2) of the API node release."
  }
}
