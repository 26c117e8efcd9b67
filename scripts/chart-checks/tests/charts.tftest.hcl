# Assertions on the charts as `helm template` renders them (scripts/test-modules.sh renders them into
# manifests_dir first). Each assertion names the property a real cluster would rely on.

run "api_node" {
  command = plan

  assert {
    condition     = length(output.objects["api-node"]["StatefulSet/api-node"].spec.volumeClaimTemplates) == 1 && output.objects["api-node"]["StatefulSet/api-node"].spec.volumeClaimTemplates[0].spec.resources.requests.storage == "200Gi"
    error_message = "The API node must be a StatefulSet with a persistent volume claim template."
  }

  assert {
    condition     = output.objects["api-node"]["StatefulSet/api-node"].spec.replicas == 2 && output.objects["api-node"]["StatefulSet/api-node"].spec.updateStrategy.type == "RollingUpdate"
    error_message = "The API node rolls one pod at a time over two replicas."
  }

  assert {
    condition = (
      strcontains(join(" ", output.node_container.readinessProbe.exec.command), "SYNC_STATUS_SYNCED") &&
      strcontains(join(" ", output.node_container.readinessProbe.exec.command), "/dev/tcp/127.0.0.1/9091") &&
      strcontains(join(" ", output.node_container.readinessProbe.exec.command), "NodeService/Status")
    )
    error_message = "Readiness of the API node must be 'synced' (NodeService/Status on the JSON gateway)."
  }

  assert {
    condition     = output.node_container.livenessProbe.tcpSocket.port == "grpc" && output.node_container.startupProbe.tcpSocket.port == "grpc"
    error_message = "Liveness of the API node must be 'the gRPC listener answers', guarded by a startup probe."
  }

  assert {
    condition     = contains(output.node_container.args, "--smeshing-start=false")
    error_message = "The API node must never smesh."
  }

  assert {
    condition     = sort([for p in output.node_container.ports : tostring(p.containerPort)]) == sort(["9091", "9092", "7513"])
    error_message = "The node container declares the public gRPC, JSON and p2p ports only (never the private 9093)."
  }

  assert {
    condition     = jsondecode(output.objects["api-node"]["ConfigMap/api-node-config"].data["config.json"]) == output.node_config
    error_message = "The node's ConfigMap must hold exactly the node config it was given."
  }

  assert {
    condition = (
      sort([for p in output.objects["api-node"]["Service/api-node-grpc"].spec.ports : tostring(p.port)]) == tolist(["9092"]) &&
      [for p in output.objects["api-node"]["Service/api-node-grpc"].spec.ports : p.appProtocol] == ["kubernetes.io/h2c"] &&
      sort([for p in output.objects["api-node"]["Service/api-node-json"].spec.ports : tostring(p.port)]) == tolist(["9091"]) &&
      sort([for p in output.objects["api-node"]["Service/api-node-stats"].spec.ports : tostring(p.port)]) == tolist(["5000"])
    )
    error_message = "The gRPC Service exposes 9092 only (h2c), the JSON Service 9091 only, the stats Service 5000 only."
  }

  assert {
    condition     = output.objects["api-node"]["PodDisruptionBudget/api-node"].spec.maxUnavailable == 1
    error_message = "A disruption budget keeps one API node serving."
  }

  assert {
    condition = (
      output.objects["api-node"]["StatefulSet/api-node"].spec.persistentVolumeClaimRetentionPolicy.whenDeleted == "Retain" &&
      [for t in output.objects["api-node"]["StatefulSet/api-node"].spec.template.spec.topologySpreadConstraints : t.topologyKey] == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
    )
    error_message = "Volumes outlive the StatefulSet by default; replicas spread over zones, then machines."
  }
}

# One https host on 443: gRPC (by Content-Type) to the node's gRPC listener as h2c, the rest to the
# JSON gateway; the stats API on its own host.
run "api_routes" {
  command = plan

  assert {
    condition = (
      output.objects["api-node"]["IngressRoute/api-node-grpc"].apiVersion == "traefik.io/v1alpha1" &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.entryPoints == ["websecure"] &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.ingressClassName == "traefik" &&
      !contains(keys(lookup(output.objects["api-node"]["IngressRoute/api-node-grpc"].metadata, "annotations", {})), "kubernetes.io/ingress.class") &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.routes[0].match == "Host(`118.api.example.org`) && HeaderRegexp(`Content-Type`, `^application/grpc($|[+;])`)" &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.routes[0].priority == 1000 &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.routes[0].services[0].name == "api-node-grpc" &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.routes[0].services[0].port == 9092 &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.routes[0].services[0].scheme == "h2c" &&
      output.objects["api-node"]["IngressRoute/api-node-grpc"].spec.tls.secretName == "spacemesh-118-tls"
    )
    error_message = "The gRPC route selects the API host and a gRPC Content-Type (not gRPC-Web), and speaks h2c to the node's public gRPC port, with TLS at the ingress."
  }

  assert {
    condition = (
      output.objects["api-node"]["ServersTransport/api-node-grpc"].spec.forwardingTimeouts.responseHeaderTimeout == "0s" &&
      output.objects["api-node"]["ServersTransport/api-node-grpc"].spec.forwardingTimeouts.readIdleTimeout == "90s" &&
      output.objects["api-node"]["ServersTransport/api-node-json"].spec.forwardingTimeouts.responseHeaderTimeout == "60s" &&
      output.objects["api-node"]["Service/api-node-json"].metadata.annotations["traefik.ingress.kubernetes.io/service.serverstransport"] == "spacemesh-118-api-node-json@kubernetescrd"
    )
    error_message = "Only the gRPC route lifts the response deadline (HTTP/2 pings instead); the JSON gateway keeps a bounded one."
  }

  assert {
    condition = (
      output.objects["api-node"]["Ingress/api-node-json"].spec.rules[0].host == "118.api.example.org" &&
      output.objects["api-node"]["Ingress/api-node-json"].spec.rules[0].http.paths[0].backend.service.name == "api-node-json" &&
      output.objects["api-node"]["Ingress/api-node-json"].spec.rules[0].http.paths[0].backend.service.port.number == 9091 &&
      output.objects["api-node"]["Ingress/api-node-stats"].spec.rules[0].host == "118.stats.example.org" &&
      output.objects["api-node"]["Ingress/api-node-stats"].spec.rules[0].http.paths[0].backend.service.port.number == 5000
    )
    error_message = "The API host's default route is the JSON gateway; the stats host routes to :5000."
  }

  assert {
    condition = (
      output.objects["api-node"]["Middleware/api-node-cloudflare-only"].spec.ipAllowList.sourceRange == ["173.245.48.0/20", "2400:cb00::/32"] &&
      output.objects["api-node"]["Ingress/api-node-stats"].metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"] == "spacemesh-118-api-node-cloudflare-only@kubernetescrd" &&
      !contains(keys(output.objects["api-node"]["Ingress/api-node-json"].metadata.annotations), "traefik.ingress.kubernetes.io/router.middlewares")
    )
    error_message = "The proxied stats host admits only the given (Cloudflare) source ranges; the DNS-only API host is not restricted."
  }
}

run "stats_api" {
  command = plan

  assert {
    condition     = output.stats_container.image == "spacemeshos/explorer-stats-api:v2.1.0" && { for e in output.stats_container.env : e.name => e.value }["SPACEMESH_LABELS_PER_UNIT"] == "4096"
    error_message = "The stats API runs beside the node with the environment it is given."
  }

  assert {
    condition = (
      [for m in output.stats_container.volumeMounts : m.readOnly if m.name == "data"] == [true] &&
      [for m in output.stats_container.volumeMounts : m.mountPath if m.name == "data"] == ["/data"]
    )
    error_message = "The stats API reads the node's volume read-only."
  }

  assert {
    condition     = output.stats_container.readinessProbe.tcpSocket.port == "stats" && output.stats_container.livenessProbe.tcpSocket.port == "stats" && !can(output.stats_container.readinessProbe.httpGet)
    error_message = "The stats API is ready when it listens: its readiness is the pod's, shared with the node, so a slow stats query must not take the node's API out of service (/overview is tested by the uptime check)."
  }

  assert {
    condition = (
      output.objects["api-node"]["CronJob/api-node-stats-refresh"].spec.jobTemplate.spec.template.metadata.labels["spacemesh.io/stats-refresher"] == "true" &&
      strcontains(join(" ", output.objects["api-node"]["CronJob/api-node-stats-refresh"].spec.jobTemplate.spec.template.spec.containers[0].command), ":5050/refresh/$path") &&
      output.objects["api-node"]["CronJob/api-node-stats-refresh"].spec.concurrencyPolicy == "Forbid"
    )
    error_message = "A CronJob labelled as the refresher calls the stats API's refresh endpoints on :5050."
  }
}

run "every_object" {
  command = plan

  assert {
    condition = length(output.services) >= 4 && alltrue([
      for s in output.services : alltrue([for p in s.spec.ports : !contains([9093, 5050, 5070], p.port) && !contains([9093, 5050, 5070, "stats-refresh", "stats-metrics"], try(p.targetPort, 0))])
    ])
    error_message = "No Service may carry the node's private port 9093 or the stats API's refresh (5050) or metrics (5070) ports."
  }

  assert {
    condition = length(output.ingresses) >= 2 && alltrue([
      for i in output.ingresses : length(i.spec.tls) > 0 && alltrue([for t in i.spec.tls : t.secretName != "" && contains(t.hosts, i.spec.rules[0].host)])
    ])
    error_message = "Every Ingress terminates TLS for its host (https only)."
  }

  assert {
    condition = alltrue([
      for w in output.workloads : w.spec.template.spec.automountServiceAccountToken == false && w.spec.template.spec.serviceAccountName == "spacemesh-118"
      if lookup(w.metadata.labels, "app.kubernetes.io/part-of", "") == "spacemesh"
    ])
    error_message = "Every network pod runs as the network's service account without a mounted API token."
  }

  assert {
    condition = alltrue(flatten([
      for w in output.workloads : [for c in w.spec.template.spec.containers : c.securityContext.allowPrivilegeEscalation == false && contains(c.securityContext.capabilities.drop, "ALL")]
    ]))
    error_message = "No container may escalate privileges or keep capabilities."
  }
}

run "ingress_controller" {
  command = plan

  assert {
    condition = (
      output.objects["traefik-ingress"]["Service/traefik"].spec.type == "LoadBalancer" &&
      output.objects["traefik-ingress"]["Service/traefik"].spec.loadBalancerIP == "203.0.113.10" &&
      sort([for p in output.objects["traefik-ingress"]["Service/traefik"].spec.ports : tostring(p.port)]) == sort(["80", "443"])
    )
    error_message = "The ingress controller publishes 80 (redirect) and 443 only, on its static address."
  }

  assert {
    condition = alltrue([
      for a in ["--entrypoints.websecure.address=:8443", "--entrypoints.web.http.redirections.entrypoint.to=:443", "--providers.kubernetesingress.ingressclass=traefik", "--providers.kubernetescrd=true", "--providers.kubernetescrd.ingressclass=traefik", "--providers.kubernetescrd.safenaming=false"] :
      contains(output.objects["traefik-ingress"]["Deployment/traefik"].spec.template.spec.containers[0].args, a)
    ])
    error_message = "One https entry point on 443; the controller watches Ingresses and IngressRoutes of its class only."
  }
}

# Two replicas that are not synced (not ready) must not block a node drain: the budget lets unready
# pods be evicted whatever it says about the ready ones.
run "api_node_disruption_budget" {
  command = plan

  assert {
    condition = (
      output.objects["api-node"]["PodDisruptionBudget/api-node"].spec.maxUnavailable == 1 &&
      output.objects["api-node"]["PodDisruptionBudget/api-node"].spec.unhealthyPodEvictionPolicy == "AlwaysAllow"
    )
    error_message = "The API node's PodDisruptionBudget allows one voluntary disruption and always lets unready (unsynced) pods be evicted (unhealthyPodEvictionPolicy AlwaysAllow)."
  }
}
