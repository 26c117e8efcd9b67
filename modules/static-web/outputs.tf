output "bucket_name" {
  description = "The bucket holding the releases and pages."
  value       = google_storage_bucket.web.name
}

output "ip_address" {
  description = "The load balancer's global IPv4 address."
  value       = google_compute_global_address.web.address
}

output "hosts" {
  description = "Every host name the load balancer serves."
  value       = module.site.hosts
}

output "routes" {
  description = "The routing table the URL map is built from (host => path matcher and rules)."
  value       = module.site.routes
}

output "active_releases" {
  description = "Frontend key => the <key>/<release> prefix its hosts serve."
  value       = local.active_releases
}

output "info_urls" {
  description = "net_id => URL of the network's info page."
  value       = module.site.info_urls
}

output "alias_urls" {
  description = "Alias URL => net_id it shows (moving aliases such as test.net.<domain>, devnet release hosts)."
  value       = module.site.alias_urls
}

output "index_urls" {
  description = "The index pages: public and dev."
  value       = module.site.index_urls
}

output "url_map_id" {
  description = "The https URL map (a release switch updates it in place)."
  value       = google_compute_url_map.https.id
}

output "release_objects" {
  description = "Every uploaded release file: object name => md5 of what was uploaded."
  value       = { for k, o in google_storage_bucket_object.release : k => o.source_md5hash }
}

output "listed_net_ids" {
  description = "The net ids the web lists, by document (public, dev): what the published documents held when the plan was made."
  value = {
    public = [for n in local.networks : n.net_id if !try(n.dev, false)]
    dev    = [for n in local.networks : n.net_id if try(n.dev, false)]
  }
}

output "generated_objects" {
  description = "The generated objects (info pages, index pages, the frontends' network lists): object name => content."
  value       = { for k, o in module.site.objects : k => o.content }
}
