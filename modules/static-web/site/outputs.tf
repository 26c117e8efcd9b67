output "routes" {
  description = "Every host the load balancer serves => { matcher (path matcher name), kind (frontend or page), rules (priority, full_path or prefix, rewrite, fallback) }. main.tf builds the URL map from it; internal/webtest serves the same table."
  value       = local.routes

  precondition {
    condition     = length(local.routes) == length(local.frontend_hosts) + length(local.page_hosts) && length(local.page_hosts) == 2 + length(local.page_of) + length([for a, id in local.moving_aliases : a if contains(keys(local.page_of), id)]) + length(local.version_aliases)
    error_message = "Two of the hosts collide (a frontend host equal to an info host, or two devnets with the same vX.Y.Z+N node_release): ${jsonencode(concat(keys(local.frontend_hosts), keys(local.page_hosts)))}."
  }

  # explorer-frontend keys its network list by dashAPI (src/store/index.jsx: networks.find(item.value ===
  # data.value), value = network.dashAPI): without one, or with one shared, it cannot select a network.
  precondition {
    condition = alltrue([for k, f in var.frontends : f.app != "explorer" || (
      alltrue([for n in local.networks_of[f.document] : n.dash_api_url != null]) &&
      length(distinct([for n in local.networks_of[f.document] : n.dash_api_url])) == length(local.networks_of[f.document])
    )])
    error_message = "Every network an explorer build lists needs its own dash_api_url (explorer-frontend selects networks by dashAPI); given: ${jsonencode({ for n in var.networks : tostring(n.net_id) => n.dash_api_url })}."
  }

  precondition {
    condition     = alltrue([for a, ids in local.version_alias_groups : length(ids) == 1])
    error_message = "Two devnets were deployed for the same release tag, so their version hosts collide: ${jsonencode({ for a, ids in local.version_alias_groups : "${a}.${local.info_host}" => ids if length(ids) > 1 })}."
  }

  precondition {
    condition     = alltrue([for a, id in local.moving_aliases : contains(keys(local.page_of), id)])
    error_message = "aliases must name net ids that are in networks; given ${jsonencode(var.aliases)}, networks: ${jsonencode(keys(local.page_of))}."
  }
}

output "objects" {
  description = "The generated objects (info pages, index pages, the frontends' network lists): object name => { content, content_type, cache_control }."
  value       = local.objects
}

output "hosts" {
  description = "Every host name served, sorted."
  value       = sort(keys(local.routes))
}

output "info_host" {
  description = "Host of the public networks' index page."
  value       = local.info_host
}

output "info_urls" {
  description = "net_id => URL of the network's info page."
  value       = local.info_url
}

output "alias_urls" {
  description = "Alias host URL => net_id it shows: the moving aliases and the devnets' version-named hosts."
  value       = { for a, id in merge(local.moving_aliases, local.version_aliases) : "https://${a}.${local.info_host}/" => tonumber(id) }
}

output "index_urls" {
  description = "The index pages: public (every network without dev) and dev (the devnets)."
  value       = { public = "https://${local.info_host}/", dev = "https://dev.${local.info_host}/" }
}
