locals {
  hostname   = coalesce(var.hostname, "discover.${var.domain}")
  public_url = "https://${local.hostname}/${var.object_name}"
  root_url   = "https://${local.hostname}/"

  # The document object and any public prefixes, as IAM condition resource names.
  object_resource = "projects/_/buckets/${var.bucket_name}/objects/${var.object_name}"
  public_condition = join(" || ", concat(
    ["resource.name == \"${local.object_resource}\""],
    [for p in var.public_prefixes : "resource.name.startsWith(\"projects/_/buckets/${var.bucket_name}/objects/${p}\")"],
  ))
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

# Public read of the document (and of the listed prefixes) only: objects.get, never objects.list.
resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.discovery.name
  role   = "roles/storage.legacyObjectReader"
  member = "allUsers"

  dynamic "condition" {
    for_each = var.public_read_condition ? [1] : []
    content {
      title       = "discovery-document-only"
      description = "Public read of the discovery document and the listed public prefixes only."
      expression  = local.public_condition
    }
  }
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

resource "google_compute_ssl_policy" "discovery" {
  project         = var.project_id
  name            = "${var.name_prefix}-tls"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
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

resource "google_compute_target_https_proxy" "discovery" {
  project         = var.project_id
  name            = "${var.name_prefix}-https-proxy"
  url_map         = google_compute_url_map.https.id
  certificate_map = "//certificatemanager.googleapis.com/${google_certificate_manager_certificate_map.discovery.id}"
  ssl_policy      = google_compute_ssl_policy.discovery.id
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${var.name_prefix}-https"
  ip_address            = google_compute_global_address.discovery.address
  ip_protocol           = "TCP"
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_https_proxy.discovery.id
}

# Plain http only ever redirects to https.
resource "google_compute_url_map" "http_redirect" {
  project     = var.project_id
  name        = "${var.name_prefix}-http-redirect"
  description = "Redirects http://${local.hostname} to https"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  project = var.project_id
  name    = "${var.name_prefix}-http-proxy"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project_id
  name                  = "${var.name_prefix}-http"
  ip_address            = google_compute_global_address.discovery.address
  ip_protocol           = "TCP"
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_http_proxy.redirect.id
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

resource "cloudflare_dns_record" "certificate_authorization" {
  zone_id = var.cloudflare_zone_id
  name    = trimsuffix(google_certificate_manager_dns_authorization.discovery.dns_resource_record[0].name, ".")
  type    = google_certificate_manager_dns_authorization.discovery.dns_resource_record[0].type
  content = trimsuffix(google_certificate_manager_dns_authorization.discovery.dns_resource_record[0].data, ".")
  proxied = false
  ttl     = 300
  comment = "Google Certificate Manager DNS authorisation for ${local.hostname} (managed by Terraform)"
}
