locals {
  hostname   = coalesce(var.hostname, "discover.${var.domain}")
  public_url = "https://${local.hostname}/${var.object_name}"
  root_url   = "https://${local.hostname}/"
}

# --- storage -----------------------------------------------------------------------------------

resource "google_storage_bucket" "discovery" {
  project  = var.project_id
  name     = var.bucket_name
  location = var.location

  uniform_bucket_level_access = true
  # The document must be reachable by allUsers (through IAM below), so public access prevention is
  # left to the organisation's policy rather than enforced here.
  public_access_prevention = "inherited"
  force_destroy            = false
  # The document's history lives here: destroying the module must not take the bucket with it.
  deletion_policy = var.bucket_deletion_policy

  # Every write of the document is a new generation; older ones stay for rollback.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = var.noncurrent_versions_kept
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # Requests to / on the load balancer answer with the document.
  website {
    main_page_suffix = var.object_name
  }

  cors {
    origin          = var.cors_origins
    method          = ["GET", "HEAD", "OPTIONS"]
    response_header = ["Content-Type", "Cache-Control", "ETag", "Last-Modified"]
    max_age_seconds = 3600
  }

  labels = merge(var.labels, { "app" = "spacemesh-discovery" })
}

# Public read of the objects of this dedicated bucket: objects.get, never objects.list (the legacy
# object reader role holds storage.objects.get only). No IAM condition: conditional role bindings
# are refused for allUsers (field report: 2i2c-org/infrastructure#2123), so a condition would fail
# the first apply. Keep nothing private in this bucket.
resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.discovery.name
  role   = "roles/storage.legacyObjectReader"
  member = "allUsers"
}

resource "google_storage_bucket_iam_member" "writers" {
  for_each = toset(var.document_writers)

  bucket = google_storage_bucket.discovery.name
  role   = "roles/storage.objectUser"
  member = each.value
}

# --- https load balancer with Cloud CDN --------------------------------------------------------

resource "google_compute_global_address" "discovery" {
  project      = var.project_id
  name         = "${var.name_prefix}-ip"
  address_type = "EXTERNAL"
  ip_version   = "IPV4"
}

resource "google_compute_backend_bucket" "discovery" {
  project          = var.project_id
  name             = "${var.name_prefix}-backend"
  description      = "Discovery document ${var.object_name} from gs://${var.bucket_name}"
  bucket_name      = google_storage_bucket.discovery.name
  enable_cdn       = true
  compression_mode = "AUTOMATIC"

  cdn_policy {
    # Objects are cached per their Cache-Control (the provider writes a short one); max_ttl caps it,
    # so a long header written by mistake still cannot keep an old list at the edge for long.
    cache_mode        = "CACHE_ALL_STATIC"
    default_ttl       = var.cdn_ttl_seconds
    client_ttl        = var.cdn_ttl_seconds
    max_ttl           = var.cdn_ttl_seconds
    serve_while_stale = 0

    # A missing document (before the first network is added) must not be cached for long.
    negative_caching = true
    negative_caching_policy {
      code = 404
      ttl  = 10
    }
    request_coalescing = true
  }
}

resource "google_compute_url_map" "https" {
  project         = var.project_id
  name            = "${var.name_prefix}-https"
  description     = "Serves the discovery document at https://${local.hostname}/ and /${var.object_name}"
  default_service = google_compute_backend_bucket.discovery.id

  host_rule {
    hosts        = [local.hostname]
    path_matcher = "discovery"
  }

  path_matcher {
    name            = "discovery"
    default_service = google_compute_backend_bucket.discovery.id

    # The permanent URL itself (no path) answers with the JSON document.
    route_rules {
      priority = 1
      service  = google_compute_backend_bucket.discovery.id
      match_rules {
        full_path_match = "/"
      }
      route_action {
        url_rewrite {
          path_prefix_rewrite = "/${var.object_name}"
        }
      }
    }
  }
}

# Google-managed certificate, authorised through a DNS record so that it provisions and renews even
# while Cloudflare proxies the name.
resource "google_certificate_manager_dns_authorization" "discovery" {
  project     = var.project_id
  name        = "${var.name_prefix}-dns-auth"
  description = "DNS authorisation for ${local.hostname}"
  domain      = local.hostname
}

resource "google_certificate_manager_certificate" "discovery" {
  project     = var.project_id
  name        = "${var.name_prefix}-cert"
  description = "Google-managed certificate for ${local.hostname}"
  scope       = "DEFAULT"

  managed {
    domains            = [local.hostname]
    dns_authorizations = [google_certificate_manager_dns_authorization.discovery.id]
  }
}

resource "google_certificate_manager_certificate_map" "discovery" {
  project     = var.project_id
  name        = "${var.name_prefix}-certs"
  description = "Certificates of ${local.hostname}"
}

resource "google_certificate_manager_certificate_map_entry" "discovery" {
  project      = var.project_id
  name         = "${var.name_prefix}-cert-entry"
  map          = google_certificate_manager_certificate_map.discovery.name
  hostname     = local.hostname
  certificates = [google_certificate_manager_certificate.discovery.id]
}

# TLS on 443 with the certificate map, plain http only ever redirecting to https.
module "frontend" {
  source = "../https-frontend"

  project_id           = var.project_id
  name_prefix          = var.name_prefix
  ip_address           = google_compute_global_address.discovery.address
  url_map_id           = google_compute_url_map.https.id
  certificate_map_id   = google_certificate_manager_certificate_map.discovery.id
  redirect_description = "Redirects http://${local.hostname} to https"
}

# The load balancer's front moved into modules/https-frontend: state follows, nothing is replaced.
moved {
  from = google_compute_ssl_policy.discovery
  to   = module.frontend.google_compute_ssl_policy.this
}

moved {
  from = google_compute_target_https_proxy.discovery
  to   = module.frontend.google_compute_target_https_proxy.this
}

moved {
  from = google_compute_global_forwarding_rule.https
  to   = module.frontend.google_compute_global_forwarding_rule.https
}

moved {
  from = google_compute_url_map.http_redirect
  to   = module.frontend.google_compute_url_map.http_redirect
}

moved {
  from = google_compute_target_http_proxy.redirect
  to   = module.frontend.google_compute_target_http_proxy.redirect
}

moved {
  from = google_compute_global_forwarding_rule.http
  to   = module.frontend.google_compute_global_forwarding_rule.http
}

# --- DNS ---------------------------------------------------------------------------------------

resource "cloudflare_dns_record" "discovery" {
  zone_id = var.cloudflare_zone_id
  name    = local.hostname
  type    = "A"
  content = google_compute_global_address.discovery.address
  proxied = var.proxied
  ttl     = var.proxied ? 1 : 300 # 1 = automatic, required while proxied
  comment = "Spacemesh discovery service (managed by Terraform, modules/discovery)"
}

# The zone's SSL mode (Full (strict)) is a setting of the whole zone: it has one owner per zone, the
# root configuration (examples/testnet main.tf), not this module, which a root may use more than once
# on one zone (the devnets' document). Earlier versions set it here: the state forgets it without
# changing the zone (the root that owns it now takes it over with a moved block).
removed {
  from = cloudflare_zone_setting.ssl

  lifecycle {
    destroy = false
  }
}

resource "cloudflare_dns_record" "certificate_authorization" {
  zone_id = var.cloudflare_zone_id
  name    = trimsuffix(google_certificate_manager_dns_authorization.discovery.dns_resource_record[0].name, ".")
  type    = google_certificate_manager_dns_authorization.discovery.dns_resource_record[0].type
  content = trimsuffix(google_certificate_manager_dns_authorization.discovery.dns_resource_record[0].data, ".")
  proxied = false
  ttl     = 300
  comment = "Google Certificate Manager DNS authorisation for ${local.hostname} (managed by Terraform)"
}

# --- monitoring --------------------------------------------------------------------------------

# The permanent URL is the one address Smapp hard-codes: it is probed from Google's checkers, and
# passes only when it answers with a JSON array (the document). Until the first network's entry is
# written there is no document and the URL answers 404, so the check fails (and alerts) until then;
# once written the object is never deleted, so a document with no networks left is [].
resource "google_monitoring_uptime_check_config" "discovery" {
  project      = var.project_id
  display_name = "spacemesh discovery (${local.public_url})"
  timeout      = "10s"
  period       = var.uptime_check_period
  checker_type = "STATIC_IP_CHECKERS"
  user_labels  = { app = "spacemesh-discovery" }

  http_check {
    request_method = "GET"
    path           = "/${var.object_name}"
    port           = 443
    use_ssl        = true
    validate_ssl   = true

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  content_matchers {
    content = "^\\s*\\["
    matcher = "MATCHES_REGEX"
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.hostname
    }
  }

  # A new host name replaces the check; the alert policy must move to the new one before the old
  # one can be deleted.
  lifecycle {
    create_before_destroy = true
  }
}

locals {
  discovery_check_filter = join(" AND ", [
    "resource.type=\"uptime_url\"",
    "metric.label.\"check_id\"=\"${google_monitoring_uptime_check_config.discovery.uptime_check_id}\"",
  ])
}

resource "google_monitoring_alert_policy" "discovery" {
  project               = var.project_id
  display_name          = "Spacemesh discovery document unreachable or expiring"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = var.notification_channels
  user_labels           = { app = "spacemesh-discovery" }

  conditions {
    display_name = "${local.public_url} fails its uptime check from more than one region"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND ${local.discovery_check_filter}"
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "300s"

      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }

      trigger {
        count = 1
      }
    }
  }

  # The uptime checkers see the certificate of whoever answers TLS: Cloud Monitoring computes the expiry
  # "based on the server certificate received in the final response"
  # (https://cloud.google.com/monitoring/uptime-checks#about-uptime-checks). Behind Cloudflare's proxy
  # that is Cloudflare's edge certificate, so this condition is kept only for a name Cloudflare does not
  # proxy; the load balancer's own (Google-managed) certificate is watched by the certificate policy below.
  dynamic "conditions" {
    for_each = var.proxied ? [] : [local.hostname]
    content {
      display_name = "The certificate of ${local.hostname} expires in less than ${var.certificate_expiry_days} days"
      condition_threshold {
        filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires\" AND ${local.discovery_check_filter}"
        comparison      = "COMPARISON_LT"
        threshold_value = var.certificate_expiry_days
        duration        = "600s"

        aggregations {
          alignment_period     = "1200s"
          per_series_aligner   = "ALIGN_NEXT_OLDER"
          cross_series_reducer = "REDUCE_MIN"
          group_by_fields      = ["resource.label.host"]
        }

        trigger {
          count = 1
        }
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    subject   = "Spacemesh discovery: ${local.public_url} is down or its certificate is expiring"
    content   = <<-EOT
      The permanent discovery URL ${local.public_url} (the one address Smapp hard-codes) fails.
      Check the load balancer (`${var.name_prefix}-https`), the Google-managed certificate
      (`${var.name_prefix}-cert`, authorised by the DNS record in Cloudflare), the object
      gs://${var.bucket_name}/${var.object_name} and its public read, and Cloudflare's proxy for
      ${local.hostname}.
    EOT
    mime_type = "text/markdown"
  }
}

# The Google-managed certificate of the load balancer (the origin behind Cloudflare): Certificate
# Manager logs certificates_expiry entries with state CLOSE_TO_EXPIRY daily from 5-10 days before a
# Google-managed certificate expires, and EXPIRED after (Certificate Manager, Logs and metrics:
# https://cloud.google.com/certificate-manager/docs/logs-metrics; the entry is
# google.cloud.certificatemanager.logging.v1.CertificatesExpiry: count, certificates (the names, sampled
# when many), state CLOSE_TO_EXPIRY or EXPIRED, expire_time). Renewal is automatic, so an entry
# means it is stuck (usually the DNS authorisation record). A log-match condition needs a policy of
# its own.
resource "google_monitoring_alert_policy" "certificate" {
  project               = var.project_id
  display_name          = "Spacemesh discovery: certificate ${google_certificate_manager_certificate.discovery.name} expiring"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = { app = "spacemesh-discovery" }

  conditions {
    display_name = "Certificate Manager reports ${google_certificate_manager_certificate.discovery.name} close to expiry or expired"
    condition_matched_log {
      filter = join(" AND ", [
        "logName=\"projects/${var.project_id}/logs/certificatemanager.googleapis.com%2Fcertificates_expiry\"",
        "jsonPayload.state=(\"CLOSE_TO_EXPIRY\" OR \"EXPIRED\")",
        # The certificate's name, wherever the entry carries it.
        "\"${google_certificate_manager_certificate.discovery.name}\"",
      ])
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "86400s"
    }
    auto_close = "604800s"
  }

  documentation {
    subject   = "Spacemesh discovery: the certificate of ${local.hostname} is not renewing"
    content   = <<-EOT
      Certificate Manager reports the Google-managed certificate `${google_certificate_manager_certificate.discovery.name}`
      (${local.hostname}) close to expiry or expired. Check its DNS authorisation
      (`${google_certificate_manager_dns_authorization.discovery.name}`: the CNAME record in Cloudflare must
      exist and must not be proxied) and `gcloud certificate-manager certificates describe ${google_certificate_manager_certificate.discovery.name}`.
    EOT
    mime_type = "text/markdown"
  }
}
