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
  project_id         = "sm-web-test"
  domain             = "example.org"
  cloudflare_zone_id = "0123456789abcdef0123456789abcdef"
  bucket_name        = "sm-discovery-test"
}

run "bucket" {
  command = plan

  assert {
    condition     = google_storage_bucket.discovery.uniform_bucket_level_access == true && google_storage_bucket.discovery.versioning[0].enabled == true
    error_message = "The bucket uses uniform bucket-level access and object versioning (any bad write can be rolled back)."
  }

  assert {
    condition = (
      google_storage_bucket.discovery.cors[0].origin == tolist(["*"]) &&
      contains(google_storage_bucket.discovery.cors[0].method, "GET") &&
      !contains(google_storage_bucket.discovery.cors[0].method, "PUT") &&
      contains(google_storage_bucket.discovery.cors[0].response_header, "Content-Type")
    )
    error_message = "Browsers may GET the document (CORS), and nothing more."
  }

  assert {
    condition = (
      google_storage_bucket_iam_member.public_read.member == "allUsers" &&
      google_storage_bucket_iam_member.public_read.role == "roles/storage.legacyObjectReader" &&
      length(google_storage_bucket_iam_member.public_read.condition) == 0
    )
    error_message = "The public may get the bucket's objects (not list them), without an IAM condition: conditional bindings for allUsers are refused."
  }

  assert {
    condition     = google_storage_bucket.discovery.website[0].main_page_suffix == "networks.json" && google_storage_bucket.discovery.force_destroy == false && google_storage_bucket.discovery.deletion_policy == "PREVENT"
    error_message = "The bucket answers / with the document and is never destroyed with its versions."
  }
}

run "load_balancer" {
  command = plan

  assert {
    condition = (
      google_compute_backend_bucket.discovery.enable_cdn == true &&
      google_compute_backend_bucket.discovery.cdn_policy[0].max_ttl == 60 &&
      google_compute_backend_bucket.discovery.cdn_policy[0].default_ttl == 60 &&
      google_compute_backend_bucket.discovery.cdn_policy[0].client_ttl == 60
    )
    error_message = "Cloud CDN serves the document with a short TTL (60 s)."
  }

  assert {
    condition = (
      google_compute_url_map.https.path_matcher[0].route_rules[0].match_rules[0].full_path_match == "/" &&
      google_compute_url_map.https.path_matcher[0].route_rules[0].route_action[0].url_rewrite[0].path_prefix_rewrite == "/networks.json" &&
      toset(one(google_compute_url_map.https.host_rule).hosts) == toset(["discover.example.org"])
    )
    error_message = "The permanent URL itself answers with the JSON document."
  }

  assert {
    condition     = module.frontend.http_redirects_to_https == true
    error_message = "Plain http redirects to https."
  }

  assert {
    condition = (
      module.frontend.https_port_range == "443" &&
      module.frontend.http_port_range == "80" &&
      module.frontend.load_balancing_scheme == "EXTERNAL_MANAGED"
    )
    error_message = "443 serves, 80 redirects."
  }

  assert {
    condition     = google_certificate_manager_certificate.discovery.managed[0].domains == tolist(["discover.example.org"]) && module.frontend.min_tls_version == "TLS_1_2"
    error_message = "A Google-managed certificate covers the permanent name; TLS 1.2 at least."
  }
}

run "dns_and_outputs" {
  command = apply

  assert {
    condition = (
      cloudflare_dns_record.discovery.name == "discover.example.org" &&
      cloudflare_dns_record.discovery.type == "A" &&
      cloudflare_dns_record.discovery.content == "198.51.100.7" &&
      cloudflare_dns_record.discovery.proxied == true
    )
    error_message = "The permanent name points at the load balancer through Cloudflare."
  }

  assert {
    condition = (
      cloudflare_dns_record.certificate_authorization.name == "_acme-challenge.discover.example.org" &&
      cloudflare_dns_record.certificate_authorization.type == "CNAME" &&
      cloudflare_dns_record.certificate_authorization.content == "0f1e2d3c.1.authorize.certificatemanager.goog" &&
      cloudflare_dns_record.certificate_authorization.proxied == false
    )
    error_message = "The certificate's DNS authorisation record is published (never proxied)."
  }

  assert {
    condition     = output.discovery_url == "gs://sm-discovery-test/networks.json" && output.public_url == "https://discover.example.org/networks.json" && output.root_url == "https://discover.example.org/"
    error_message = "discovery_url is the gs:// object, public_url its permanent https URL."
  }
}

run "custom_names" {
  command = plan

  variables {
    hostname        = "networks.example.org"
    object_name     = "v1/networks.json"
    cors_origins    = ["https://118.explore.example.org", "https://118.dash.example.org"]
    cdn_ttl_seconds = 30
  }

  assert {
    condition     = output.public_url == "https://networks.example.org/v1/networks.json" && google_compute_backend_bucket.discovery.cdn_policy[0].max_ttl == 30
    error_message = "hostname, object_name and cdn_ttl_seconds are honoured."
  }
}

run "dns_only" {
  command = plan

  variables {
    proxied = false
  }

  assert {
    condition     = cloudflare_dns_record.discovery.proxied == false && cloudflare_dns_record.discovery.ttl == 300
    error_message = "DNS-only mode uses a plain TTL."
  }
}

run "rejects_plain_http_origins" {
  command = plan
  variables {
    cors_origins = ["http://explorer.example.org"]
  }
  expect_failures = [var.cors_origins]
}

run "rejects_bad_object_names" {
  command = plan
  variables {
    object_name = "/networks.json"
  }
  expect_failures = [var.object_name]
}

run "rejects_long_ttl" {
  command = plan
  variables {
    cdn_ttl_seconds = 3600
  }
  expect_failures = [var.cdn_ttl_seconds]
}

# The permanent discovery URL (the one address Smapp hard-codes) is probed and alerts, including on
# a certificate about to expire.
run "discovery_url_monitored" {
  command = plan

  variables {
    notification_channels = ["projects/sm-web-test/notificationChannels/42"]
  }

  assert {
    condition = (
      google_monitoring_uptime_check_config.discovery.monitored_resource[0].labels.host == "discover.example.org" &&
      google_monitoring_uptime_check_config.discovery.http_check[0].path == "/networks.json" &&
      google_monitoring_uptime_check_config.discovery.http_check[0].use_ssl == true &&
      google_monitoring_uptime_check_config.discovery.http_check[0].validate_ssl == true &&
      google_monitoring_uptime_check_config.discovery.content_matchers[0].matcher == "MATCHES_REGEX"
    )
    error_message = "The permanent URL is probed over https and must answer with a JSON array."
  }

  # Proxied (the default): the uptime checkers see Cloudflare's edge certificate, so no condition
  # reads it; the load balancer's Google-managed certificate is watched through Certificate Manager's
  # expiry log.
  assert {
    condition = (
      tolist(google_monitoring_alert_policy.discovery.notification_channels) == tolist(["projects/sm-web-test/notificationChannels/42"]) &&
      length(google_monitoring_alert_policy.discovery.conditions) == 1 &&
      !strcontains(jsonencode(google_monitoring_alert_policy.discovery.conditions), "time_until_ssl_cert_expires")
    )
    error_message = "Behind Cloudflare's proxy the discovery URL alerts when down, and never on the certificate the uptime checkers see (Cloudflare's)."
  }

  assert {
    condition = (
      tolist(google_monitoring_alert_policy.certificate.notification_channels) == tolist(["projects/sm-web-test/notificationChannels/42"]) &&
      strcontains(google_monitoring_alert_policy.certificate.conditions[0].condition_matched_log[0].filter, "logs/certificatemanager.googleapis.com%2Fcertificates_expiry") &&
      strcontains(google_monitoring_alert_policy.certificate.conditions[0].condition_matched_log[0].filter, "CLOSE_TO_EXPIRY") &&
      strcontains(google_monitoring_alert_policy.certificate.conditions[0].condition_matched_log[0].filter, "\"spacemesh-discovery-cert\"")
    )
    error_message = "The load balancer's Google-managed certificate (the origin's) alerts from Certificate Manager's expiry log."
  }
}

# A name Cloudflare does not proxy: the uptime checkers see the load balancer's certificate itself.
run "dns_only_certificate_from_the_uptime_check" {
  command = plan

  variables {
    proxied = false
  }

  assert {
    condition = (
      length(google_monitoring_alert_policy.discovery.conditions) == 2 &&
      strcontains(google_monitoring_alert_policy.discovery.conditions[1].condition_threshold[0].filter, "uptime_check/time_until_ssl_cert_expires") &&
      google_monitoring_alert_policy.discovery.conditions[1].condition_threshold[0].threshold_value == 21
    )
    error_message = "A DNS-only discovery URL alerts when its certificate, as its uptime check sees it, is about to expire."
  }
}

run "rejects_bad_notification_channels" {
  command = plan
  variables {
    notification_channels = ["ops@example.org"]
  }
  expect_failures = [var.notification_channels]
}
