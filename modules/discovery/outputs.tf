output "discovery_url" {
  description = "Where the document lives, for the spacemesh provider's discovery_url: gs://<bucket>/<object>."
  value       = "gs://${google_storage_bucket.discovery.name}/${var.object_name}"
}

output "public_url" {
  description = "The permanent https URL of the document (https://discover.<domain>/<object>)."
  value       = local.public_url
}

output "root_url" {
  description = "The permanent https URL without a path; it answers with the same document."
  value       = local.root_url
}

output "public_urls" {
  description = "Every public URL of the document, for the spacemesh provider's discovery_public_urls (Cloudflare purge)."
  value       = [local.public_url, local.root_url]
}

output "hostname" {
  description = "The permanent host name."
  value       = local.hostname
}

output "bucket_name" {
  description = "The bucket holding the document."
  value       = google_storage_bucket.discovery.name
}

output "ip_address" {
  description = "The load balancer's global IPv4 address."
  value       = google_compute_global_address.discovery.address
}
