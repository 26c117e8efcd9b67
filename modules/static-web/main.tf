locals {
  # The published entries as the site's networks, in document order (public first, then the devnets'
  # document). The data source gives "" for a key an entry lacks. What the document does not carry (the
  # genesis time, the node's genesis id, the config's sha256, the release the API node runs) stays null.
  published_networks = flatten([for doc in ["public", "dev"] : [for e in var.published[doc] : {
    name                    = e.net_name
    net_id                  = e.net_id
    smapp_genesis_id        = e.genesis_id == "" ? null : e.genesis_id
    config_url              = e.conf
    min_node_release        = e.min_node_release
    latest_node_release     = e.latest_node_release
    min_smapp_release       = e.min_smapp_release
    latest_smapp_release    = e.latest_smapp_release
    smapp_base_download_url = e.smapp_base_download_url
    node_base_download_url  = e.node_base_download_url
    api_json_url            = e.api_json
    api_grpc_url            = e.api_grpc
    explorer_url            = e.explorer
    dash_url                = e.dash
    stats_api_url           = e.stats_api == "" ? null : e.stats_api
    dash_api_url            = e.dash_api == "" ? null : e.dash_api
    explorer_api_url        = e.explorer_api == "" ? null : e.explorer_api
    dev                     = doc == "dev"
    # A devnet's version host is named after the release it publishes (vX.Y.Z+N).
    release_tag = e.latest_node_release
  }]])
  networks   = concat(local.published_networks, var.networks)
  listed_ids = [for n in local.networks : n.net_id]

  # A moving alias is served once the network it names is listed (it may be set before the network is
  # published: the alias host appears with the network).
  aliases = { for a, id in var.aliases : a => id if contains(local.listed_ids, id) }
}

module "site" {
  source = "./site"

  domain          = var.domain
  networks        = local.networks
  frontends       = var.frontends
  info_host       = var.info_host
  aliases         = local.aliases
  version_aliases = var.version_aliases
  title           = var.title
  network_views   = { for doc, v in var.network_views : doc => { prefix = v.prefix } }
}

locals {
  routes = module.site.routes

  # Content types and Cache-Control of uploaded files: one mapping, shared with the browser test's server.
  mapping = jsondecode(file("${path.module}/content-types.json"))

  release_files = merge([
    for rel, dir in var.release_dirs : {
      for f in fileset(dir, "**") : "${rel}/${f}" => {
        release = rel
        source  = "${dir}/${f}"
        ext     = lower(element(split(".", basename(f)), length(split(".", basename(f))) - 1))
        kind = (contains(local.mapping.entry_files, basename(f)) ? "entry" :
        can(regex(local.mapping.hashed_pattern, basename(f))) ? "hashed" : "other")
      }
    }
  ]...)

  # A release folder must say what it is (scripts/build-frontend.sh writes release.json).
  release_manifests = { for rel, dir in var.release_dirs : rel => try(jsondecode(file("${dir}/release.json")), null) }

  active_releases = { for k, f in var.frontends : k => "${k}/${f.release}" }

  # The two-level names (118.explore.<domain>, test.net.<domain>) are covered by wildcards of the base
  # hosts; Certificate Manager issues them through DNS authorisation (one per base host).
  base_hosts = toset(concat([for f in var.frontends : f.host], [module.site.info_host]))
}

# --- storage -----------------------------------------------------------------------------------

resource "google_storage_bucket" "web" {
  project  = var.project_id
  name     = var.bucket_name
  location = var.location

  uniform_bucket_level_access = true
  public_access_prevention    = "inherited"
  force_destroy               = false

  labels = merge(var.labels, { "app" = "spacemesh-static-web" })
}

# Public read of objects (get, never list: the load balancer answers a missing object with a 403 or 404,
# both handled by the frontends' index fallback).
resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.web.name
  role   = "roles/storage.legacyObjectReader"
  member = "allUsers"
}

# Frontend releases: each file under <frontend key>/<release>/, never overwritten (a rebuilt release
# with different bytes is ignored: publish it under a new release name).
resource "google_storage_bucket_object" "release" {
  for_each = local.release_files

  bucket         = google_storage_bucket.web.name
  name           = each.key
  source         = each.value.source
  source_md5hash = filemd5(each.value.source)
  content_type   = lookup(local.mapping.content_types, each.value.ext, local.mapping.default_content_type)
  cache_control  = local.mapping.cache_control[each.value.kind]

  lifecycle {
    ignore_changes = [source, source_md5hash, detect_md5hash]

    precondition {
      condition = (
        local.release_manifests[each.value.release] != null &&
        try("${local.release_manifests[each.value.release].frontend}/${local.release_manifests[each.value.release].release}", "") == each.value.release
      )
      error_message = "release_dirs[\"${each.value.release}\"] = ${var.release_dirs[each.value.release]} must hold a release.json (scripts/build-frontend.sh writes it) naming frontend/release ${each.value.release}; found: ${jsonencode(local.release_manifests[each.value.release])}."
    }
  }
}

# Info pages, index pages and the frontends' per-host network lists: rewritten on every change, no-cache.
resource "google_storage_bucket_object" "generated" {
  for_each = module.site.objects

  bucket        = google_storage_bucket.web.name
  name          = each.key
  content       = each.value.content
  content_type  = each.value.content_type
  cache_control = each.value.cache_control
}

# Active releases published outside Terraform (scripts/publish-frontend.sh): the plan lists the
# bucket's release index.html objects, so routing to a release that is not in the bucket fails before
# anything changes (the URL map's precondition). The publisher writes index.html last, so its presence
# means the whole release is there. The bucket is named through its computed url: in the plan that
# creates the bucket (a new workspace) the list is read during the apply, once the bucket exists, and
# nothing is read from a bucket that is not there yet.
data "google_storage_bucket_objects" "published" {
  bucket     = trimprefix(google_storage_bucket.web.url, "gs://")
  match_glob = "*/*/index.html"
}

locals {
  published_releases = toset([for o in data.google_storage_bucket_objects.published.bucket_objects : trimsuffix(o.name, "/index.html")])
  # Active releases neither uploaded here nor in the bucket. A bucket with no release at all is a new one:
  # its releases are published after this apply creates it (then the hosts serve them).
  unpublished_releases = [
    for k, r in local.active_releases : r
    if !contains(keys(var.release_dirs), r) && !contains(local.published_releases, r) && length(local.published_releases) > 0
  ]
}

# --- https load balancer with Cloud CDN --------------------------------------------------------

resource "google_compute_global_address" "web" {
  project      = var.project_id
  name         = "${var.name_prefix}-ip"
  address_type = "EXTERNAL"
  ip_version   = "IPV4"
}

resource "google_compute_backend_bucket" "web" {
  project          = var.project_id
  name             = "${var.name_prefix}-backend"
  description      = "Frontend releases and info pages from gs://${var.bucket_name}"
  bucket_name      = google_storage_bucket.web.name
  enable_cdn       = true
  compression_mode = "AUTOMATIC"

  cdn_policy {
    # Objects carry their own Cache-Control: index.html and the generated objects no-cache (revalidated on
    # every request, so a release switch is seen at once), hashed assets a year and immutable.
    cache_mode        = "USE_ORIGIN_HEADERS"
    serve_while_stale = 0

    negative_caching = true
    negative_caching_policy {
      code = 404
      ttl  = 10
    }
    request_coalescing = true
  }
}

# The frontends' network lists the spacemesh provider keeps beside each document (discovery_views): they
# change in the apply that changes the document, so a retired network leaves them with its entry. The
# document's bucket is public-read already (modules/discovery); served with the document's Cache-Control.
resource "google_compute_backend_bucket" "views" {
  for_each = var.network_views

  project     = var.project_id
  name        = "${var.name_prefix}-views-${each.key}"
  description = "Network lists of the ${each.key} discovery document, from gs://${each.value.bucket}/${each.value.prefix}"
  bucket_name = each.value.bucket
  enable_cdn  = true

  cdn_policy {
    cache_mode       = "USE_ORIGIN_HEADERS"
    negative_caching = true
    negative_caching_policy {
      code = 404
      ttl  = 10
    }
    request_coalescing = true
  }
}

resource "google_compute_url_map" "https" {
  project     = var.project_id
  name        = "${var.name_prefix}-https"
  description = "Explorer and dashboard releases, per-network hosts and info pages"

  # A name this map does not serve (or the bare address) goes to the index of the networks, rather
  # than to raw bucket paths.
  default_url_redirect {
    host_redirect          = module.site.info_host
    path_redirect          = "/"
    https_redirect         = true
    strip_query            = true
    redirect_response_code = "FOUND"
  }

  dynamic "host_rule" {
    for_each = local.routes
    content {
      hosts        = [host_rule.key]
      path_matcher = host_rule.value.matcher
    }
  }

  dynamic "path_matcher" {
    for_each = local.routes
    content {
      name            = path_matcher.value.matcher
      default_service = google_compute_backend_bucket.web.id

      dynamic "route_rules" {
        for_each = path_matcher.value.rules
        content {
          priority = route_rules.value.priority
          service  = route_rules.value.backend == null ? google_compute_backend_bucket.web.id : google_compute_backend_bucket.views[route_rules.value.backend].id

          match_rules {
            full_path_match = route_rules.value.full_path
            prefix_match    = route_rules.value.prefix
          }

          route_action {
            url_rewrite {
              path_prefix_rewrite = route_rules.value.rewrite
            }
          }

          # Deep links: the frontends route in the browser, so a path with no object gets the
          # release's index.html, status 200.
          dynamic "custom_error_response_policy" {
            for_each = route_rules.value.fallback == null ? [] : [route_rules.value.fallback]
            content {
              error_service = google_compute_backend_bucket.web.id
              error_response_rule {
                match_response_codes   = ["403", "404"]
                path                   = custom_error_response_policy.value
                override_response_code = 200
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.unpublished_releases) == 0
      error_message = "These active releases are not in gs://${var.bucket_name} (no <frontend>/<release>/index.html): ${jsonencode(local.unpublished_releases)}. Publish them first (scripts/publish-frontend.sh), or list them in release_dirs."
    }

    precondition {
      condition     = alltrue([for rel, dir in var.release_dirs : fileexists("${dir}/index.html") && fileexists("${dir}/release.json")])
      error_message = "Every directory in release_dirs must hold a built release (index.html and release.json, as scripts/build-frontend.sh writes them); missing in: ${jsonencode([for rel, dir in var.release_dirs : "${rel} = ${dir}" if !(fileexists("${dir}/index.html") && fileexists("${dir}/release.json"))])}."
    }
  }
}

resource "google_certificate_manager_dns_authorization" "web" {
  for_each = local.base_hosts

  project     = var.project_id
  name        = "${var.name_prefix}-${replace(trimsuffix(each.key, ".${var.domain}"), ".", "-")}-auth"
  description = "DNS authorisation for ${each.key} and *.${each.key}"
  domain      = each.key
}

resource "google_certificate_manager_certificate" "web" {
  project     = var.project_id
  name        = "${var.name_prefix}-cert"
  description = "Google-managed certificate for the frontends and info pages, with wildcards for the per-network hosts"
  scope       = "DEFAULT"

  managed {
    domains            = flatten([for h in sort(tolist(local.base_hosts)) : [h, "*.${h}"]])
    dns_authorizations = [for h in sort(tolist(local.base_hosts)) : google_certificate_manager_dns_authorization.web[h].id]
  }
}

resource "google_certificate_manager_certificate_map" "web" {
  project     = var.project_id
  name        = "${var.name_prefix}-certs"
  description = "Certificates of the frontends and info pages"
}

resource "google_certificate_manager_certificate_map_entry" "web" {
  project      = var.project_id
  name         = "${var.name_prefix}-cert-entry"
  map          = google_certificate_manager_certificate_map.web.name
  matcher      = "PRIMARY"
  certificates = [google_certificate_manager_certificate.web.id]
}

# TLS on 443 with the certificate map, plain http only ever redirecting to https.
module "frontend" {
  source = "../https-frontend"

  project_id         = var.project_id
  name_prefix        = var.name_prefix
  ip_address         = google_compute_global_address.web.address
  url_map_id         = google_compute_url_map.https.id
  certificate_map_id = google_certificate_manager_certificate_map.web.id
}

# The load balancer's front moved into modules/https-frontend: state follows, nothing is replaced
# (the same names, so a destroy and create would fail on the existing objects or take the front down).
moved {
  from = google_compute_ssl_policy.web
  to   = module.frontend.google_compute_ssl_policy.this
}

moved {
  from = google_compute_target_https_proxy.web
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

resource "cloudflare_dns_record" "host" {
  for_each = toset(module.site.hosts)

  zone_id = var.cloudflare_zone_id
  name    = each.key
  type    = "A"
  content = google_compute_global_address.web.address
  proxied = var.proxied
  ttl     = var.proxied ? 1 : 300
  comment = "Spacemesh static web (managed by Terraform, modules/static-web)"
}

resource "cloudflare_dns_record" "certificate_authorization" {
  for_each = local.base_hosts

  zone_id = var.cloudflare_zone_id
  name    = trimsuffix(google_certificate_manager_dns_authorization.web[each.key].dns_resource_record[0].name, ".")
  type    = google_certificate_manager_dns_authorization.web[each.key].dns_resource_record[0].type
  content = trimsuffix(google_certificate_manager_dns_authorization.web[each.key].dns_resource_record[0].data, ".")
  proxied = false
  ttl     = 300
  comment = "Google Certificate Manager DNS authorisation for ${each.key} (managed by Terraform)"
}
