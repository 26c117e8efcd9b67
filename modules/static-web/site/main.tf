locals {
  info_host = coalesce(var.info_host, "net.${var.domain}")

  public_networks = [for n in var.networks : n if !n.dev]
  dev_networks    = [for n in var.networks : n if n.dev]
  networks_of     = { public = local.public_networks, dev = local.dev_networks }
  by_id           = { for n in var.networks : tostring(n.net_id) => n }

  # Devnet tags vX.Y.Z+N get the host X-Y-Z-N.<info_host>: one DNS label, valid for browsers and certificates.
  version_alias_groups = var.version_aliases ? {
    for n in local.dev_networks : join("-", regex("^v?([0-9]+)\\.([0-9]+)\\.([0-9]+)\\+([0-9]+)$", try(coalesce(n.release_tag, n.node_release), ""))) => tostring(n.net_id)...
    if can(regex("^v?([0-9]+)\\.([0-9]+)\\.([0-9]+)\\+([0-9]+)$", try(coalesce(n.release_tag, n.node_release), "")))
  } : {}
  version_aliases  = { for a, ids in local.version_alias_groups : a => ids[0] }
  version_alias_of = { for a, id in local.version_aliases : id => a }
  moving_aliases   = { for a, id in var.aliases : a => tostring(id) }

  # The frontend builds serving each network, for its info page.
  frontends_of = {
    for id, n in local.by_id : id => [
      for k, f in var.frontends : {
        key     = k
        app     = f.app
        release = f.release
        url     = "https://${f.per_network_hosts ? "${id}.${f.host}" : f.host}/"
      } if f.document == (n.dev ? "dev" : "public")
    ]
  }

  # --- what the frontend builds read at /networks.json -------------------------------------------
  # The builds are made with a relative discovery URL (/networks.json, scripts/build-frontend.sh), so
  # each host answers with its own list: the bare host with the networks in the order given, and
  # <net_id>.<host> with that network first (both frontends show networks[0] first:
  # explorer-frontend src/store/index.jsx, dash-frontend src/store/ViewStore/index.js). Keys are those
  # the two stores read, spelled as in the discovery document's smapp dialect.
  view_entry = {
    for id, n in local.by_id : id => { for k, v in {
      netName     = n.name
      netID       = n.net_id
      conf        = n.config_url
      explorer    = n.explorer_url
      dash        = n.dash_url
      jsonAPI     = n.api_json_url
      grpcAPI     = n.api_grpc_url
      statsAPI    = n.stats_api_url
      dashAPI     = n.dash_api_url
      explorerAPI = n.explorer_api_url
      genesisID   = n.smapp_genesis_id
    } : k => v if v != null }
  }
  # A document whose lists the spacemesh provider keeps (discovery_views, var.network_views) is served
  # from those, which follow the document in the apply that changes it; these, a run behind, answer only
  # when the provider's list is not there (before its first write with discovery_views on).
  views = merge(
    { for doc, list in local.networks_of : "views/${doc}/networks.json" => jsonencode([for n in list : local.view_entry[tostring(n.net_id)]]) },
    merge([for doc, list in local.networks_of : {
      for n in list : "views/${doc}/${n.net_id}/networks.json" => jsonencode(concat(
        [local.view_entry[tostring(n.net_id)]],
        [for o in list : local.view_entry[tostring(o.net_id)] if o.net_id != n.net_id],
      ))
    }]...),
  )

  # --- info pages ---------------------------------------------------------------------------------
  # Values are HTML-escaped once here; the templates print them as they are.
  html = {
    for id, n in local.by_id : id => { for k, v in n : k => v == null ? null : replace(replace(replace(replace(tostring(v), "&", "&amp;"), "<", "&lt;"), ">", "&gt;"), "\"", "&quot;") }
  }
  css     = trimspace(file("${path.module}/templates/style.css"))
  script  = trimspace(file("${path.module}/templates/published.js"))
  page_of = { for id, n in local.by_id : id => "info/${id}/index.html" }
  info_url = {
    for id, n in local.by_id : id => "https://${id}.${local.info_host}/"
  }

  pages = merge(
    {
      for id, n in local.html : local.page_of[id] => templatefile("${path.module}/templates/info.html.tftpl", {
        css              = local.css
        script           = local.script
        n                = n
        dev              = local.by_id[id].dev
        info_url         = local.info_url[id]
        index_url        = local.by_id[id].dev ? "https://dev.${local.info_host}/" : "https://${local.info_host}/"
        version_alias    = lookup(local.version_alias_of, id, null) == null ? null : "https://${local.version_alias_of[id]}.${local.info_host}/"
        moving_aliases   = [for a, aid in local.moving_aliases : "https://${a}.${local.info_host}/" if aid == id]
        frontends        = local.frontends_of[id]
        smapp_min_url    = "${local.by_id[id].smapp_base_download_url}/v${trimprefix(local.by_id[id].min_smapp_release, "v")}"
        smapp_latest_url = "${local.by_id[id].smapp_base_download_url}/v${trimprefix(local.by_id[id].latest_smapp_release, "v")}"
      })
    },
    {
      for doc, list in local.networks_of : (doc == "dev" ? "info/dev/index.html" : "info/index.html") => templatefile("${path.module}/templates/index.html.tftpl", {
        css      = local.css
        script   = local.script
        title    = doc == "dev" ? "${var.title}: devnets" : var.title
        networks = [for n in list : merge(local.html[tostring(n.net_id)], { info_url = local.info_url[tostring(n.net_id)] })]
        aliases = [for a, id in merge(local.moving_aliases, local.version_aliases) : {
          url    = "https://${a}.${local.info_host}/"
          net_id = id
        } if local.by_id[id].dev == (doc == "dev")]
        frontends = [for k, f in var.frontends : { key = k, app = f.app, release = f.release, url = "https://${f.host}/" } if f.document == doc]
      })
    },
  )

  # --- routing --------------------------------------------------------------------------------------
  # Every host and how the load balancer answers it; main.tf turns this into the URL map, and the
  # browser test's static server (internal/webtest) serves the same table.
  #   full_path: exact path match; prefix: path prefix match (the prefix is replaced by rewrite);
  #   fallback:  object served, with status 200, when the rewritten object does not exist (the
  #              frontends route in the browser, so deep links must get index.html).
  #   backend:   null for the bucket of this module, else the document whose views bucket serves the
  #              path (var.network_views).
  frontend_rules = {
    for k, f in var.frontends : k => [
      { priority = 1, full_path = "/", prefix = null, rewrite = "/${k}/${f.release}/index.html", fallback = null, backend = null },
      { priority = 3, full_path = null, prefix = "/static/", rewrite = "/${k}/${f.release}/static/", fallback = null, backend = null },
      { priority = 4, full_path = null, prefix = "/", rewrite = "/${k}/${f.release}/", fallback = "/${k}/${f.release}/index.html", backend = null },
    ]
  }
  # /networks.json of a host, by document and net id ("" for the whole list): the provider's view of the
  # document when it keeps them (the list rendered here answering only when that one is missing), else
  # the list rendered here.
  list_names = { for doc, list in local.networks_of : doc => merge({ "" = "networks.json" }, { for n in list : tostring(n.net_id) => "${n.net_id}/networks.json" }) }
  list_rule = { for doc, names in local.list_names : doc => {
    for id, name in names : id => merge({ priority = 2, full_path = "/networks.json", prefix = null }, contains(keys(var.network_views), doc)
      ? { rewrite = "/${var.network_views[doc].prefix}${name}", backend = doc, fallback = "/views/${doc}/${name}" }
      : { rewrite = "/views/${doc}/${name}", backend = null, fallback = null }
    )
  } }
  frontend_hosts = merge(
    { for k, f in var.frontends : f.host => {
      matcher = "fe-${k}"
      kind    = "frontend"
      rules   = concat([local.list_rule[f.document][""]], local.frontend_rules[k])
    } },
    merge([for k, f in var.frontends : {
      for n in local.networks_of[f.document] : "${n.net_id}.${f.host}" => {
        matcher = "fe-${k}-${n.net_id}"
        kind    = "frontend"
        rules   = concat([local.list_rule[f.document][tostring(n.net_id)]], local.frontend_rules[k])
      }
    } if f.per_network_hosts]...),
  )
  dev_page_objects = [for id, p in local.page_of : p if local.by_id[id].dev]
  page_hosts = merge(
    { (local.info_host) = "info/index.html", "dev.${local.info_host}" = "info/dev/index.html" },
    { for id, p in local.page_of : "${id}.${local.info_host}" => p },
    { for a, id in local.moving_aliases : "${a}.${local.info_host}" => local.page_of[id] if contains(keys(local.page_of), id) },
    { for a, id in local.version_aliases : "${a}.${local.info_host}" => local.page_of[id] },
  )
  routes = merge(local.frontend_hosts, {
    for h, obj in local.page_hosts : h => {
      matcher = h == local.info_host ? "page-index" : "page-${replace(trimsuffix(h, ".${local.info_host}"), ".", "-")}"
      kind    = "page"
      # The pages read /networks.json of their own host to mark a network no longer published at once.
      rules = [
        { priority = 1, full_path = "/", prefix = null, rewrite = "/${obj}", fallback = null, backend = null },
        local.list_rule[obj == "info/dev/index.html" || contains(local.dev_page_objects, obj) ? "dev" : "public"][""],
        { priority = 3, full_path = null, prefix = "/", rewrite = "/${dirname(obj)}/", fallback = null, backend = null },
      ]
    }
  })

  # Generated objects, all no-cache: a page or a list must change the moment an apply changes it.
  objects = merge(
    { for name, html in local.pages : name => { content = html, content_type = "text/html; charset=utf-8", cache_control = "no-cache" } },
    { for name, json in local.views : name => { content = json, content_type = "application/json", cache_control = "no-cache" } },
  )
}
