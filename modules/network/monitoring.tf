# Every public endpoint is probed from Google's uptime checkers; a failing endpoint pages, and each
# endpoint has a 30-day availability SLO (the spec's SLA, 96.7%) whose fast burn also pages.

locals {
  # Every probe exercises the service, not just a listener:
  # - the JSON gateway: POST NodeService/Status must say SYNC_STATUS_SYNCED (a running but unsynced
  #   node fails it);
  # - gRPC: a gRPC call (Content-Type application/grpc, an empty length-prefixed message: five zero
  #   bytes) to NodeService/Status through the content-type route. Only a gRPC server answers it
  #   with 200 (the JSON gateway refuses the body with 400; nothing running gives 502/503);
  # - the stats API: GET /overview must return its JSON (explorer-backend api/storage/overview.go).
  probes = {
    json_status = {
      method  = "POST", path = "/spacemesh.v2alpha1.NodeService/Status", content_type = "application/json", body = base64encode("{}")
      matcher = { content = "SYNC_STATUS_SYNCED", matcher = "CONTAINS_STRING" }
    }
    grpc = {
      method  = "POST", path = "/spacemesh.v2alpha1.NodeService/Status", content_type = "application/grpc", body = "AAAAAAA="
      matcher = null
    }
    stats_overview = {
      method  = "GET", path = "/overview", content_type = null, body = null
      matcher = { content = "\"layers_count\"", matcher = "CONTAINS_STRING" }
    }
  }
  check_labels = { for k, e in local.endpoints : k => {
    net_id   = local.net_id
    endpoint = replace(k, "_", "-")
  } }
  check_filter = { for k, e in local.endpoints : k => join(" AND ", [
    "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\"",
    "resource.type=\"uptime_url\"",
    "metric.label.\"check_id\"=\"${google_monitoring_uptime_check_config.endpoint[k].uptime_check_id}\"",
  ]) }
  # Names show the goal as people write it (96.7%, not 96.70000000000002%).
  sla_percent = replace(format("%.2f", var.sla_goal * 100), "/\\.?0+$/", "")
  runbook     = <<-EOT
    Spacemesh network ${local.net_id} (${var.name}), namespace `${local.namespace}`.
    Look at the pods (`kubectl -n ${local.namespace} get pods`), the node's sync state and the
    ingress. A node that is not synced is not ready and receives no traffic. Restart a wedged pod
    with `kubectl -n ${local.namespace} delete pod <pod>` (the StatefulSet recreates it on its volume).
  EOT
}

resource "google_monitoring_uptime_check_config" "endpoint" {
  for_each = local.endpoints

  project      = var.project_id
  display_name = "spacemesh-${local.net_id} ${each.key} (${local.hosts[each.value.record]})"
  timeout      = "10s"
  period       = var.uptime_check_period
  checker_type = "STATIC_IP_CHECKERS"
  user_labels  = local.check_labels[each.key]

  http_check {
    request_method      = local.probes[each.value.probe].method
    path                = local.probes[each.value.probe].path
    port                = 443
    use_ssl             = true
    validate_ssl        = true
    content_type        = local.probes[each.value.probe].content_type == null ? null : "USER_PROVIDED"
    custom_content_type = local.probes[each.value.probe].content_type
    body                = local.probes[each.value.probe].body

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  dynamic "content_matchers" {
    for_each = local.probes[each.value.probe].matcher == null ? [] : [local.probes[each.value.probe].matcher]
    content {
      content = content_matchers.value.content
      matcher = content_matchers.value.matcher
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.hosts[each.value.record]
    }
  }

  # A changed host (domain, host pattern) replaces the check, and GCP refuses to delete a check an
  # alert policy still names: the new check is created, the policies move to it, then the old one
  # goes.
  lifecycle {
    create_before_destroy = true
  }
}

resource "google_monitoring_alert_policy" "endpoint_down" {
  for_each = local.endpoints

  project               = var.project_id
  display_name          = "Spacemesh ${local.net_id}: ${each.key} down"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = var.notification_channels
  user_labels           = local.check_labels[each.key]

  conditions {
    display_name = "${each.key} fails its uptime check from more than one region"
    condition_threshold {
      filter          = local.check_filter[each.key]
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

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    subject   = "Spacemesh ${local.net_id}: ${each.key} (${local.hosts[each.value.record]}) is down"
    content   = local.runbook
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_custom_service" "network" {
  project      = var.project_id
  service_id   = "spacemesh-${local.net_id}"
  display_name = "Spacemesh network ${local.net_id} (${var.name})"
  user_labels  = { net_id = local.net_id }
}

resource "google_monitoring_slo" "availability" {
  for_each = local.endpoints

  project             = var.project_id
  service             = google_monitoring_custom_service.network.service_id
  slo_id              = "${replace(each.key, "_", "-")}-availability"
  display_name        = "${each.key}: ${local.sla_percent}% of 5-minute windows up over 30 days"
  goal                = var.sla_goal
  rolling_period_days = 30
  user_labels         = local.check_labels[each.key]

  windows_based_sli {
    window_period          = "300s"
    good_bad_metric_filter = local.check_filter[each.key]
  }
}

resource "google_monitoring_alert_policy" "slo_burn" {
  for_each = local.endpoints

  project               = var.project_id
  display_name          = "Spacemesh ${local.net_id}: ${each.key} burning its error budget"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels
  user_labels           = local.check_labels[each.key]

  conditions {
    display_name = "${each.key} error budget burns 10x faster than the SLO allows (1 hour)"
    condition_threshold {
      filter          = "select_slo_burn_rate(\"${google_monitoring_slo.availability[each.key].name}\", \"3600s\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 10
      duration        = "0s"

      trigger {
        count = 1
      }
    }
  }

  documentation {
    subject   = "Spacemesh ${local.net_id}: ${each.key} is eating its ${local.sla_percent}% availability budget"
    content   = local.runbook
    mime_type = "text/markdown"
  }
}

# Certificates are watched where they are served from, the origin. An uptime check computes the
# expiry "based on the server certificate received in the final response" (Cloud Monitoring, Create
# public uptime checks: https://cloud.google.com/monitoring/uptime-checks#about-uptime-checks): behind
# Cloudflare's proxy that is Cloudflare's edge certificate, which says nothing about ours. So:
# - the hosts Cloudflare does not proxy (the API host, which carries gRPC) are watched by their uptime
#   checks' time_until_ssl_cert_expires;
# - a proxied host (the stats API) served from the same Secret (tls.secret_manager,
#   tls.existing_secret_name) is covered by the API host's check: one certificate covers both;
# - with cert-manager each Ingress has a certificate of its own: watched through cert-manager's
#   certmanager_certificate_expiration_timestamp_seconds (Unix time; cert-manager pkg/metrics,
#   labels name and namespace) in Managed Service for Prometheus, which renames a scraped metric's
#   namespace label exported_namespace (it is the target's resource label there). It needs
#   cert-manager's metrics collected (a PodMonitoring of its controller, port 9402).
locals {
  origin_cert_endpoints = { for k, e in local.endpoints : k => e if !local.dns_records[e.record].proxied && !e.grpc }
  cert_manager_query    = "min by (name) (certmanager_certificate_expiration_timestamp_seconds{exported_namespace=\"${local.namespace}\"}) - time() < ${var.alerts.certificate_expiry_days * 86400}"
}

# What fails slowly: a certificate nearing expiry (cert-manager or Secret Manager rotation stuck),
# and an API node's disk filling up (a full disk stops the node; the resize is a manual runbook, so
# it needs notice).
resource "google_monitoring_alert_policy" "resources" {
  project               = var.project_id
  display_name          = "Spacemesh ${local.net_id}: certificate expiry and disk usage"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = { net_id = local.net_id }

  dynamic "conditions" {
    for_each = local.origin_cert_endpoints
    content {
      display_name = "${conditions.key}: certificate of ${local.hosts[conditions.value.record]} expires in less than ${var.alerts.certificate_expiry_days} days"
      condition_threshold {
        filter = join(" AND ", [
          "metric.type=\"monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires\"",
          "resource.type=\"uptime_url\"",
          "metric.label.\"check_id\"=\"${google_monitoring_uptime_check_config.endpoint[conditions.key].uptime_check_id}\"",
        ])
        comparison      = "COMPARISON_LT"
        threshold_value = var.alerts.certificate_expiry_days
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

  conditions {
    display_name = "An API node's disk is more than ${format("%.0f", var.alerts.volume_usage * 100)}% full"
    condition_threshold {
      filter = join(" AND ", [
        "metric.type=\"kubernetes.io/pod/volume/utilization\"",
        "resource.type=\"k8s_pod\"",
        "resource.label.\"namespace_name\"=\"${local.namespace}\"",
        "metric.label.\"volume_name\"=\"data\"",
      ])
      comparison      = "COMPARISON_GT"
      threshold_value = var.alerts.volume_usage
      duration        = "600s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MEAN"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    subject   = "Spacemesh ${local.net_id}: a certificate is about to expire or a disk is filling up"
    content   = <<-EOT
      ${local.runbook}
      Certificates: check the Secret `${local.tls_secret_name}` (or cert-manager's Certificates) in
      `${local.namespace}` and its source. Disks: `kubectl -n ${local.namespace} get pvc`; grow them
      with the resize runbook in modules/network/README.md.
    EOT
    mime_type = "text/markdown"
  }
}

# cert-manager's certificates of this network (see the comment above resources). A policy of its own:
# a PromQL condition cannot share a policy with other conditions.
resource "google_monitoring_alert_policy" "cert_manager_certificates" {
  count = var.tls.cert_manager_cluster_issuer == null ? 0 : 1

  project               = var.project_id
  display_name          = "Spacemesh ${local.net_id}: cert-manager certificate expiry"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels
  user_labels           = { net_id = local.net_id }

  conditions {
    display_name = "A cert-manager certificate in ${local.namespace} expires in less than ${var.alerts.certificate_expiry_days} days"
    condition_prometheus_query_language {
      query               = local.cert_manager_query
      duration            = "600s"
      evaluation_interval = "300s"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    subject   = "Spacemesh ${local.net_id}: a cert-manager certificate is about to expire"
    content   = <<-EOT
      ${local.runbook}
      `kubectl -n ${local.namespace} get certificates` and `kubectl -n ${local.namespace} describe certificate <name>`:
      the issuer (${coalesce(var.tls.cert_manager_cluster_issuer, "-")}) is failing to renew.
    EOT
    mime_type = "text/markdown"
  }
}
