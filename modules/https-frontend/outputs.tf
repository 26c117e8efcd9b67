output "https_port_range" {
  description = "Port of the https forwarding rule."
  value       = google_compute_global_forwarding_rule.https.port_range
}

output "http_port_range" {
  description = "Port of the http (redirect-only) forwarding rule."
  value       = google_compute_global_forwarding_rule.http.port_range
}

output "load_balancing_scheme" {
  description = "Scheme of both forwarding rules."
  value       = google_compute_global_forwarding_rule.https.load_balancing_scheme
}

output "http_redirects_to_https" {
  description = "Whether plain http is answered with a redirect to https."
  value       = google_compute_url_map.http_redirect.default_url_redirect[0].https_redirect
}

output "min_tls_version" {
  description = "Oldest TLS version the https proxy accepts."
  value       = google_compute_ssl_policy.this.min_tls_version
}
