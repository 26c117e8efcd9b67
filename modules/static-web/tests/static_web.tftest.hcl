# modules/static-web with the clouds mocked. The networks are the browser test's fixture
# (tests/site.tfvars.json), so both tests describe the same site.

mock_provider "google" {
  mock_resource "google_compute_global_address" {
    defaults = {
      address = "198.51.100.9"
    }
  }
  mock_resource "google_certificate_manager_dns_authorization" {
    defaults = {
      dns_resource_record = [{
        name = "_acme-challenge.host.example.org."
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
  bucket_name        = "sm-web-test"
  networks           = jsondecode(file("tests/site.tfvars.json")).networks
  aliases            = { test = 118 }
  frontends = {
    explorer     = { app = "explorer", release = "v1.0.0", host = "explore.example.org" }
    dash         = { app = "dash", release = "v1.0.0", host = "dash.example.org" }
    explorer-dev = { app = "explorer", release = "v1.0.0", host = "explore-dev.example.org", document = "dev" }
  }
  release_dirs = {
    "explorer/v1.0.0"     = "tests/releases/explorer/v1.0.0"
    "explorer/v1.1.0"     = "tests/releases/explorer/v1.1.0"
    "dash/v1.0.0"         = "tests/releases/dash/v1.0.0"
    "explorer-dev/v1.0.0" = "tests/releases/explorer-dev/v1.0.0"
  }
}

run "first_release" {
  command = apply

  # Per-network hosts: one per frontend and network of its document, info pages, the aliases.
  assert {
    condition = toset(flatten([for r in google_compute_url_map.https.host_rule : r.hosts])) == toset([
      "explore.example.org", "118.explore.example.org", "119.explore.example.org",
      "dash.example.org", "118.dash.example.org", "119.dash.example.org",
      "explore-dev.example.org", "401.explore-dev.example.org",
      "net.example.org", "dev.net.example.org", "118.net.example.org", "119.net.example.org", "401.net.example.org",
      "test.net.example.org", "1-2-3-1.net.example.org",
    ])
    error_message = "The URL map serves exactly the frontend hosts, their per-network hosts (devnets only on the dev build's), the info pages and the aliases: ${jsonencode(sort(flatten([for r in google_compute_url_map.https.host_rule : r.hosts])))}"
  }

  assert {
    condition     = toset([for h in output.hosts : cloudflare_dns_record.host[h].content]) == toset(["198.51.100.9"]) && length(cloudflare_dns_record.host) == 15 && alltrue([for r in cloudflare_dns_record.host : r.proxied == false && r.type == "A"])
    error_message = "Every host has a DNS-only A record to the load balancer (Cloudflare's universal certificate does not cover two-level names)."
  }

  # The certificate covers the two-level names through wildcards, authorised by DNS.
  assert {
    condition = toset(google_certificate_manager_certificate.web.managed[0].domains) == toset([
      "explore.example.org", "*.explore.example.org", "dash.example.org", "*.dash.example.org",
      "explore-dev.example.org", "*.explore-dev.example.org", "net.example.org", "*.net.example.org",
    ]) && length(google_certificate_manager_certificate.web.managed[0].dns_authorizations) == 4
    error_message = "The Certificate Manager certificate covers every base host and its wildcard, with one DNS authorisation each: ${jsonencode(google_certificate_manager_certificate.web.managed[0].domains)}"
  }

  assert {
    condition     = alltrue([for r in cloudflare_dns_record.certificate_authorization : r.type == "CNAME" && r.proxied == false && r.content == "0f1e2d3c.1.authorize.certificatemanager.goog"])
    error_message = "The DNS authorisation records are published, never proxied."
  }

  # The release route: / and deep links to the release's index.html, assets under its prefix.
  assert {
    condition = jsonencode([for r in one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer-118"]).route_rules : {
      p        = r.priority, full = r.match_rules[0].full_path_match, prefix = r.match_rules[0].prefix_match,
      rewrite  = r.route_action[0].url_rewrite[0].path_prefix_rewrite,
      fallback = try(r.custom_error_response_policy[0].error_response_rule[0].path, null),
      }]) == jsonencode([
      { p = 2, full = "/networks.json", prefix = null, rewrite = "/views/public/118/networks.json", fallback = null },
      { p = 1, full = "/", prefix = null, rewrite = "/explorer/v1.0.0/index.html", fallback = null },
      { p = 3, full = null, prefix = "/static/", rewrite = "/explorer/v1.0.0/static/", fallback = null },
      { p = 4, full = null, prefix = "/", rewrite = "/explorer/v1.0.0/", fallback = "/explorer/v1.0.0/index.html" },
    ])
    error_message = "118.explore.example.org: its own network list, the release's index.html at /, hashed assets under the release prefix, deep links falling back to index.html; got ${jsonencode([for r in one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer-118"]).route_rules : { p = r.priority, full = r.match_rules[0].full_path_match, prefix = r.match_rules[0].prefix_match, rewrite = r.route_action[0].url_rewrite[0].path_prefix_rewrite, fallback = try(r.custom_error_response_policy[0].error_response_rule[0].path, null) }])}"
  }

  assert {
    condition = alltrue(flatten([for m in google_compute_url_map.https.path_matcher : [
      for r in m.route_rules : [for p in r.custom_error_response_policy : p.error_response_rule[0].override_response_code == 200 && toset(p.error_response_rule[0].match_response_codes) == toset(["403", "404"])]
    ]]))
    error_message = "The index fallback answers 200 for the bucket's 403 (no list permission) and 404."
  }

  assert {
    condition     = google_compute_url_map.https.default_url_redirect[0].host_redirect == "net.example.org" && google_compute_url_map.https.default_url_redirect[0].https_redirect
    error_message = "A host the map does not serve is sent to the index of the networks."
  }

  assert {
    condition     = one([for m in google_compute_url_map.https.path_matcher : m if m.name == "page-test"]).route_rules[0].route_action[0].url_rewrite[0].path_prefix_rewrite == "/info/118/index.html"
    error_message = "test.net.example.org shows network 118's info page."
  }

  # Cache headers.
  assert {
    condition = (
      google_storage_bucket_object.release["explorer/v1.0.0/index.html"].cache_control == "no-cache" &&
      google_storage_bucket_object.release["explorer/v1.0.0/index.html"].content_type == "text/html; charset=utf-8" &&
      google_storage_bucket_object.release["explorer/v1.0.0/static/js/main.0a1b2c3d.js"].cache_control == "public, max-age=31536000, immutable" &&
      google_storage_bucket_object.release["explorer/v1.0.0/static/js/main.0a1b2c3d.js"].content_type == "text/javascript; charset=utf-8" &&
      google_storage_bucket_object.release["explorer/v1.0.0/manifest.json"].cache_control == "public, max-age=300" &&
      google_storage_bucket_object.release["explorer/v1.0.0/manifest.json"].content_type == "application/json"
    )
    error_message = "index.html is no-cache, hashed assets immutable for a year, other files five minutes."
  }

  assert {
    condition     = alltrue([for o in google_storage_bucket_object.generated : o.cache_control == "no-cache"]) && length(google_storage_bucket_object.generated) == 3 + 2 + 2 + 3
    error_message = "The 3 info pages, 2 index pages and 5 network lists are no-cache."
  }

  assert {
    condition     = google_compute_backend_bucket.web.enable_cdn && google_compute_backend_bucket.web.cdn_policy[0].cache_mode == "USE_ORIGIN_HEADERS"
    error_message = "Cloud CDN caches per each object's Cache-Control."
  }

  assert {
    condition     = length(google_storage_bucket_object.release) == 16 && alltrue([for k, o in google_storage_bucket_object.release : startswith(o.name, "explorer/") || startswith(o.name, "dash/") || startswith(o.name, "explorer-dev/")])
    error_message = "Every file of every release is uploaded under <frontend>/<release>/."
  }
}

# The switch's plan, printed by terraform test -verbose: the URL map and the generated pages (which name
# the releases in use) are updated in place; nothing is created or destroyed.
run "plan_switch_release" {
  command = plan

  variables {
    frontends = {
      explorer     = { app = "explorer", release = "v1.1.0", host = "explore.example.org" }
      dash         = { app = "dash", release = "v1.0.0", host = "dash.example.org" }
      explorer-dev = { app = "explorer", release = "v1.0.0", host = "explore-dev.example.org", document = "dev" }
    }
  }

  assert {
    condition     = one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer"]).route_rules[1].route_action[0].url_rewrite[0].path_prefix_rewrite == "/explorer/v1.1.0/index.html"
    error_message = "The plan routes explore.example.org/ to v1.1.0."
  }
}

# The switch: one variable. The URL map is updated in place and only the explorer hosts' rewrites move.
run "switch_release" {
  command = apply

  variables {
    frontends = {
      explorer     = { app = "explorer", release = "v1.1.0", host = "explore.example.org" }
      dash         = { app = "dash", release = "v1.0.0", host = "dash.example.org" }
      explorer-dev = { app = "explorer", release = "v1.0.0", host = "explore-dev.example.org", document = "dev" }
    }
  }

  assert {
    condition     = output.url_map_id == run.first_release.url_map_id
    error_message = "A release switch updates the URL map in place (a replaced map would have a new id)."
  }

  assert {
    condition     = keys(output.routes) == keys(run.first_release.routes)
    error_message = "A release switch changes no host."
  }

  assert {
    condition = alltrue([for h, r in output.routes : jsonencode(r) == (
      h == "explore.example.org" || endswith(h, ".explore.example.org")
      ? replace(jsonencode(run.first_release.routes[h]), "explorer/v1.0.0/", "explorer/v1.1.0/")
      : jsonencode(run.first_release.routes[h])
    )])
    error_message = "Only the explorer hosts' release prefix changes; every other route is as it was. Differing: ${jsonencode({ for h, r in output.routes : h => [r, run.first_release.routes[h]] if jsonencode(r) != (h == "explore.example.org" || endswith(h, ".explore.example.org") ? replace(jsonencode(run.first_release.routes[h]), "explorer/v1.0.0/", "explorer/v1.1.0/") : jsonencode(run.first_release.routes[h])) })}"
  }

  assert {
    condition     = one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer"]).route_rules[1].route_action[0].url_rewrite[0].path_prefix_rewrite == "/explorer/v1.1.0/index.html"
    error_message = "explore.example.org/ now serves v1.1.0."
  }

  assert {
    condition     = output.release_objects == run.first_release.release_objects
    error_message = "No release object is created, replaced or deleted by a switch."
  }
}

run "rollback" {
  command = apply

  assert {
    condition     = output.routes == run.first_release.routes && output.url_map_id == run.first_release.url_map_id
    error_message = "A rollback is the same one-line change back."
  }
}

# A published file is never overwritten: a rebuilt release with other bytes is ignored.
run "rebuilt_release_is_not_uploaded" {
  command = plan

  variables {
    release_dirs = {
      "explorer/v1.0.0"     = "tests/rebuilt/explorer/v1.0.0"
      "explorer/v1.1.0"     = "tests/releases/explorer/v1.1.0"
      "dash/v1.0.0"         = "tests/releases/dash/v1.0.0"
      "explorer-dev/v1.0.0" = "tests/releases/explorer-dev/v1.0.0"
    }
  }

  assert {
    condition     = google_storage_bucket_object.release["explorer/v1.0.0/index.html"].source_md5hash == filemd5("tests/releases/explorer/v1.0.0/index.html")
    error_message = "The published index.html of explorer/v1.0.0 must stay as it was."
  }
}

run "devnet_release_host_and_moving_alias" {
  command = plan

  variables {
    aliases = { test = 119 }
  }

  assert {
    condition     = output.alias_urls == { "https://test.net.example.org/" = 119, "https://1-2-3-1.net.example.org/" = 401 }
    error_message = "Moving test to 119 is one value; the devnet tagged v1.2.3+1 is at 1-2-3-1.net.example.org."
  }

  assert {
    condition     = one([for m in google_compute_url_map.https.path_matcher : m if m.name == "page-test"]).route_rules[0].route_action[0].url_rewrite[0].path_prefix_rewrite == "/info/119/index.html"
    error_message = "test.net.example.org now shows network 119's page."
  }
}

# The active releases that this module does not upload are looked up in the bucket's listing of
# <frontend>/<release>/index.html. Mocked computed values are unknown during a plan (the listing would
# then be read during the apply, as on a new bucket): the bucket's url is given for these runs.
run "unpublished_release_is_refused" {
  command = plan

  variables {
    frontends = {
      explorer = { app = "explorer", release = "v2.0.0", host = "explore.example.org" }
    }
  }

  override_resource {
    target          = google_storage_bucket.web
    override_during = plan
    values          = { url = "gs://sm-web-test" }
  }

  override_data {
    target          = data.google_storage_bucket_objects.published
    override_during = plan
    values = {
      bucket_objects = [{ name = "explorer/v1.0.0/index.html", content_type = "text/html; charset=utf-8", media_link = "", self_link = "", storage_class = "STANDARD" }]
    }
  }

  expect_failures = [google_compute_url_map.https]
}

run "published_release_is_found_in_the_bucket" {
  command = plan

  variables {
    frontends = {
      explorer = { app = "explorer", release = "v2.0.0", host = "explore.example.org" }
    }
  }

  override_resource {
    target          = google_storage_bucket.web
    override_during = plan
    values          = { url = "gs://sm-web-test" }
  }

  override_data {
    target          = data.google_storage_bucket_objects.published
    override_during = plan
    values = {
      bucket_objects = [{ name = "explorer/v2.0.0/index.html", content_type = "text/html; charset=utf-8", media_link = "", self_link = "", storage_class = "STANDARD" }]
    }
  }

  assert {
    condition     = data.google_storage_bucket_objects.published.match_glob == "*/*/index.html" && google_compute_url_map.https.path_matcher[0].route_rules[0].route_action[0].url_rewrite[0].path_prefix_rewrite != null
    error_message = "The releases' index.html objects are listed from the module's bucket, and a published release is routed."
  }
}

# A new bucket holds no release yet: its first plan is not refused (the releases are published after
# the apply that creates it).
run "new_bucket_is_not_refused" {
  command = plan

  variables {
    frontends = {
      explorer = { app = "explorer", release = "v2.0.0", host = "explore.example.org" }
    }
  }

  override_resource {
    target          = google_storage_bucket.web
    override_during = plan
    values          = { url = "gs://sm-web-test" }
  }

  override_data {
    target          = data.google_storage_bucket_objects.published
    override_during = plan
    values          = { bucket_objects = [] }
  }
}

# The networks come from the published documents (entries as the spacemesh_discovery data source reads
# them), in document order; what a document does not carry is left off the pages, and an alias waits
# for its network to be published.
run "networks_from_the_published_documents" {
  command = plan

  variables {
    networks  = []
    published = jsondecode(file("tests/published.json"))
    aliases   = { test = 118, next = 120 }
  }

  assert {
    condition = (
      output.listed_net_ids == { public = [118, 119], dev = [401] } &&
      contains(output.hosts, "119.explore.example.org") && contains(output.hosts, "401.explore-dev.example.org") && contains(output.hosts, "1-2-3-1.net.example.org") &&
      [for n in jsondecode(output.generated_objects["views/public/networks.json"]) : n.netID] == [118, 119] &&
      jsondecode(output.generated_objects["views/public/119/networks.json"])[0].dashAPI == "https://119.stats.example.org/#dash-119"
    )
    error_message = "The web lists the published networks, in document order, the devnets on the dev hosts: ${jsonencode(output.listed_net_ids)}"
  }

  assert {
    condition = (
      strcontains(output.generated_objects["info/118/index.html"], "data-field=\"smapp_genesis_id\">3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f18<") &&
      strcontains(output.generated_objects["info/118/index.html"], "data-field=\"latest_node_release\">1.7.6<") &&
      !strcontains(output.generated_objects["info/118/index.html"], "data-field=\"genesis_time\"")
    )
    error_message = "An info page shows what the entry publishes and leaves off what it does not."
  }

  assert {
    condition     = output.alias_urls == { "https://test.net.example.org/" = 118, "https://1-2-3-1.net.example.org/" = 401 }
    error_message = "An alias naming an unpublished network (120) is not served yet."
  }
}

run "refuses_a_missing_release_dir" {
  command = plan

  variables {
    release_dirs = {
      "explorer/v1.0.0" = "tests/releases/explorer/v1.0.0"
      "explorer/v1.1.0" = "tests/no-such-build"
    }
    frontends = {
      explorer = { app = "explorer", release = "v1.1.0", host = "explore.example.org" }
    }
  }

  expect_failures = [google_compute_url_map.https]
}

run "refuses_a_mislabelled_release" {
  command = plan

  variables {
    frontends = {
      explorer = { app = "explorer", release = "v1.2.0", host = "explore.example.org" }
    }
    release_dirs = {
      "explorer/v1.2.0" = "tests/mislabelled/explorer/v1.2.0"
    }
  }

  expect_failures = [google_storage_bucket_object.release]
}

run "refuses_bad_release_keys" {
  command = plan

  variables {
    release_dirs = { "explorer" = "tests/releases/explorer/v1.0.0" }
  }

  expect_failures = [var.release_dirs]
}

# The frontends' lists of a document the spacemesh provider keeps views of (discovery_views) are served
# from those views, which change in the apply that changes the document: none is rendered here, and the
# info pages read the same list to mark a retired network.
run "network_lists_from_the_provider_views" {
  variables {
    networks      = []
    published     = jsondecode(file("tests/published.json"))
    network_views = { public = { bucket = "sm-discovery", prefix = "views/networks/" } }
  }

  assert {
    condition = (
      google_compute_backend_bucket.views["public"].bucket_name == "sm-discovery" &&
      google_compute_backend_bucket.views["public"].cdn_policy[0].cache_mode == "USE_ORIGIN_HEADERS" &&
      length(google_compute_backend_bucket.views) == 1
    )
    error_message = "One backend bucket serves the public document's views, with the document's own Cache-Control."
  }

  assert {
    condition = alltrue([for name, rewrite in {
      "fe-explorer"     = "/views/networks/networks.json"
      "fe-explorer-118" = "/views/networks/118/networks.json"
      "fe-dash-119"     = "/views/networks/119/networks.json"
      "page-index"      = "/views/networks/networks.json"
      "page-118"        = "/views/networks/networks.json"
      } : anytrue([for r in one([for m in google_compute_url_map.https.path_matcher : m if m.name == name]).route_rules :
        r.match_rules[0].full_path_match == "/networks.json" && r.route_action[0].url_rewrite[0].path_prefix_rewrite == rewrite &&
        r.service == google_compute_backend_bucket.views["public"].id
    ])])
    error_message = "/networks.json of the public frontends' hosts and of the public info pages is the provider's view of the document."
  }

  assert {
    condition = (
      one([for r in one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer-118"]).route_rules : r if r.priority == 2]).custom_error_response_policy[0].error_response_rule[0].path == "/views/public/118/networks.json" &&
      one([for r in one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer-118"]).route_rules : r if r.priority == 2]).custom_error_response_policy[0].error_service == google_compute_backend_bucket.web.id &&
      contains(keys(google_storage_bucket_object.generated), "views/public/118/networks.json") &&
      contains(keys(google_storage_bucket_object.generated), "views/dev/networks.json") &&
      anytrue([for r in one([for m in google_compute_url_map.https.path_matcher : m if m.name == "fe-explorer-dev-401"]).route_rules :
      r.match_rules[0].full_path_match == "/networks.json" && r.route_action[0].url_rewrite[0].path_prefix_rewrite == "/views/dev/401/networks.json" && r.service == google_compute_backend_bucket.web.id])
    )
    error_message = "A list rendered here answers only when the provider's is missing (before its first write with discovery_views on), so upgrading never breaks the frontends; the dev document, without views, is served its rendered lists."
  }

  assert {
    condition = (
      strcontains(google_storage_bucket_object.generated["info/index.html"].content, "fetch(\"/networks.json\"") &&
      strcontains(google_storage_bucket_object.generated["info/119/index.html"].content, "data-field=\"retired\" hidden")
    )
    error_message = "The index and the info pages check /networks.json for networks retired since they were rendered."
  }
}

run "refuses_bad_network_views" {
  command = plan

  variables {
    network_views = { staging = { bucket = "sm-discovery", prefix = "/views" } }
  }

  expect_failures = [var.network_views]
}
