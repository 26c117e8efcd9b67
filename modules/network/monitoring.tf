# Every public endpoint is probed from Google's uptime checkers; a failing endpoint pages, and each
# endpoint has a 30-day availability SLO (the spec's SLA, 96.7%) whose fast burn also pages.

locals {
  probe_paths = {
    json_info = "/spacemesh.v2alpha1.NetworkService/Info"
    healthz   = "/healthz"
    root      = "/"
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
  runbook = <<-EOT
    Spacemesh network ${local.net_id} (${var.name}), namespace `${local.namespace}`.
    Look at the pods (`kubectl -n ${local.namespace} get pods`), the node's sync state and the
    ingress. A node that is not synced is not ready and receives no traffic. Restart a wedged pod
    with `kubectl -n ${local.namespace} delete pod <pod>` (the StatefulSet recreates it on its volume).
  EOT
}

resource "google_monitoring_uptime_check_config" "endpoint" {
  for_each = local.endpoints

  project      = var.project_id
  display_name = "spacemesh-${local.net_id} ${each.key} (${local.hosts[each.value.record]}:${each.value.port})"
  timeout      = "10s"
  period       = var.uptime_check_period
  checker_type = "STATIC_IP_CHECKERS"
  user_labels  = local.check_labels[each.key]

  dynamic "http_check" {
    for_each = each.value.probe == "tcp" ? [] : [each.value.probe]
    content {
      request_method = http_check.value == "json_info" ? "POST" : "GET"
      path           = local.probe_paths[http_check.value]
      port           = each.value.port
      use_ssl        = true
      validate_ssl   = true
      # The JSON gateway answers POST <api_json>/spacemesh.v2alpha1.NetworkService/Info with {}.
      content_type        = http_check.value == "json_info" ? "USER_PROVIDED" : null
      custom_content_type = http_check.value == "json_info" ? "application/json" : null
      body                = http_check.value == "json_info" ? base64encode("{}") : null

      accepted_response_status_codes {
        status_class = "STATUS_CLASS_2XX"
      }
    }
  }

  # gRPC: the TLS listener of the ingress must accept connections (uptime checks speak no gRPC).
  dynamic "tcp_check" {
    for_each = each.value.probe == "tcp" ? [each.value.port] : []
    content {
      port = tcp_check.value
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.hosts[each.value.record]
    }
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
    subject   = "Spacemesh ${local.net_id}: ${each.key} (${local.hosts[each.value.record]}:${each.value.port}) is down"
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
  display_name        = "${each.key}: ${var.sla_goal * 100}% of 5-minute windows up over 30 days"
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
    subject   = "Spacemesh ${local.net_id}: ${each.key} is eating its ${var.sla_goal * 100}% availability budget"
    content   = local.runbook
    mime_type = "text/markdown"
  }
}
