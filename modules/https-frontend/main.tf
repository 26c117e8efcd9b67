# The front of a global external Application Load Balancer that modules/discovery and
# modules/static-web share: TLS 1.2+ with a Certificate Manager map on 443, and plain http on 80
# that only ever redirects to https.

resource "google_compute_ssl_policy" "this" {
  project         = var.project_id
  name            = "${var.name_prefix}-tls"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "this" {
  project         = var.project_id
  name            = "${var.name_prefix}-https-proxy"
  url_map         = var.url_map_id
  certificate_map = "//certificatemanager.googleapis.com/${var.certificate_map_id}"
  ssl_policy      = google_compute_ssl_policy.this.id
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${var.name_prefix}-https"
  ip_address            = var.ip_address
  ip_protocol           = "TCP"
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_https_proxy.this.id
}

resource "google_compute_url_map" "http_redirect" {
  project     = var.project_id
  name        = "${var.name_prefix}-http-redirect"
  description = var.redirect_description

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
  ip_address            = var.ip_address
  ip_protocol           = "TCP"
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_http_proxy.redirect.id
}
