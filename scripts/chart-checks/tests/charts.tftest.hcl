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
    condition = alltrue([
      for c in output.objects["api-node"]["StatefulSet/api-node"].spec.template.spec.containers :
      strcontains(join(" ", c.readinessProbe.exec.command), "SYNC_STATUS_SYNCED") &&
      strcontains(join(" ", c.readinessProbe.exec.command), "/dev/tcp/127.0.0.1/9091") &&
      strcontains(join(" ", c.readinessProbe.exec.command), "NodeService/Status")
    ])
    error_message = "Readiness of the API node must be 'synced' (NodeService/Status on the JSON gateway)."
  }

  assert {
    condition = alltrue([
      for c in output.objects["api-node"]["StatefulSet/api-node"].spec.template.spec.containers :
      c.livenessProbe.tcpSocket.port == "grpc" && c.startupProbe.tcpSocket.port == "grpc"
    ])
    error_message = "Liveness of the API node must be 'the gRPC listener answers', guarded by a startup probe."
  }

  assert {
    condition     = contains(output.objects["api-node"]["StatefulSet/api-node"].spec.template.spec.containers[0].args, "--smeshing-start=false")
    error_message = "The API node must never smesh."
  }

  assert {
    condition     = sort([for p in output.objects["api-node"]["StatefulSet/api-node"].spec.template.spec.containers[0].ports : tostring(p.containerPort)]) == sort(["9091", "9092", "7513"])
    error_message = "The node container declares the public gRPC, JSON and p2p ports only (never the private 9093)."
  }

  assert {
    condition     = jsondecode(output.objects["api-node"]["ConfigMap/api-node-config"].data["config.json"]) == output.node_config
    error_message = "The node's ConfigMap must hold exactly the node config it was given."
  }

  assert {
    condition = (
      sort([for p in output.objects["api-node"]["Service/api-node-grpc"].spec.ports : tostring(p.port)]) == tolist(["9092"]) &&
      sort([for p in output.objects["api-node"]["Service/api-node-json"].spec.ports : tostring(p.port)]) == tolist(["9091"]) &&
      output.objects["api-node"]["Service/api-node-grpc"].metadata.annotations["traefik.ingress.kubernetes.io/service.serversscheme"] == "h2c"
    )
    error_message = "The gRPC Service exposes 9092 only (h2c to the backend), the JSON Service 9091 only."
  }

  assert {
    condition = (
      output.objects["api-node"]["Ingress/api-node-grpc"].spec.rules[0].http.paths[0].backend.service.name == "api-node-grpc" &&
      output.objects["api-node"]["Ingress/api-node-json"].spec.rules[0].http.paths[0].backend.service.name == "api-node-json" &&
      output.objects["api-node"]["Ingress/api-node-grpc"].metadata.annotations["traefik.ingress.kubernetes.io/router.entrypoints"] == "api-grpc"
    )
    error_message = "The gRPC and JSON Ingresses route to their own Services and entry points."
  }

  assert {
    condition     = output.objects["api-node"]["PodDisruptionBudget/api-node"].spec.maxUnavailable == 1
    error_message = "A disruption budget keeps one API node serving."
  }
}

run "explorer" {
  command = plan

  assert {
    condition = (
      length(output.objects["explorer"]["StatefulSet/explorer-collector"].spec.volumeClaimTemplates) == 1 &&
      sort([for c in output.objects["explorer"]["StatefulSet/explorer-collector"].spec.template.spec.containers : c.name]) == tolist(["collector", "node"])
    )
    error_message = "The collector runs beside its own node, on a persistent volume."
  }

  assert {
    condition = contains([
      for e in [for c in output.objects["explorer"]["StatefulSet/explorer-collector"].spec.template.spec.containers : c if c.name == "collector"][0].env : e.value if e.name == "SPACEMESH_NODE_PRIVATE"
    ], "127.0.0.1:9093")
    error_message = "The collector reaches its node's private API on the pod's loopback."
  }

  assert {
    condition     = length(output.objects["explorer"]["StatefulSet/explorer-mongo"].spec.volumeClaimTemplates) == 1
    error_message = "MongoDB keeps its data on a persistent volume."
  }

  assert {
    condition = (
      output.objects["explorer"]["Deployment/explorer-api"].spec.strategy.rollingUpdate.maxUnavailable == 0 &&
      output.objects["explorer"]["Deployment/explorer-api"].spec.template.spec.containers[0].readinessProbe.httpGet.path == "/healthz" &&
      output.objects["explorer"]["Deployment/explorer-api"].spec.template.spec.containers[0].ports[0].containerPort == 5000
    )
    error_message = "The explorer API serves :5000, is ready on /healthz and keeps old pods until new ones are ready."
  }

  assert {
    condition     = [for p in output.objects["explorer"]["Service/explorer-mongo"].spec.ports : p.port] == [27017] && output.objects["explorer"]["Service/explorer-mongo"].spec.type == "ClusterIP"
    error_message = "MongoDB is cluster-internal."
  }
}

run "dashboard_and_frontend" {
  command = plan

  assert {
    condition = (
      output.objects["dashboard"]["Deployment/dashboard"].spec.template.spec.containers[0].readinessProbe.httpGet.path == "/healthz" &&
      output.objects["dashboard"]["Deployment/dashboard"].spec.strategy.rollingUpdate.maxUnavailable == 0 &&
      [for p in output.objects["dashboard"]["Service/dashboard"].spec.ports : p.port] == [8080]
    )
    error_message = "The dashboard backend serves :8080, is ready on /healthz and rolls without downtime."
  }

  assert {
    condition     = output.objects["explorer-frontend"]["Deployment/explorer-frontend"].spec.strategy.rollingUpdate.maxUnavailable == 0
    error_message = "A frontend release update keeps the old pods until the new ones are ready."
  }
}

run "every_object" {
  command = plan

  assert {
    condition     = length(output.services) >= 8 && alltrue([for s in output.services : alltrue([for p in s.spec.ports : p.port != 9093 && try(p.targetPort, 0) != 9093])])
    error_message = "No Service of any chart may carry the node's private port 9093."
  }

  assert {
    condition = length(output.ingresses) >= 5 && alltrue([
      for i in output.ingresses : length(i.spec.tls) > 0 && alltrue([for t in i.spec.tls : t.secretName != "" && contains(t.hosts, i.spec.rules[0].host)])
    ])
    error_message = "Every Ingress terminates TLS for its host (https only)."
  }

  assert {
    condition = length([for w in output.workloads : w if lookup(w.metadata.labels, "app.kubernetes.io/part-of", "") == "spacemesh"]) == 6 && alltrue([
      for w in output.workloads : w.spec.template.spec.automountServiceAccountToken == false && w.spec.template.spec.serviceAccountName == "spacemesh-118"
      if lookup(w.metadata.labels, "app.kubernetes.io/part-of", "") == "spacemesh"
    ])
    error_message = "Every network pod (6 workloads: API node, collector, MongoDB, explorer API, dashboard, frontend) runs as the network's service account without a mounted API token."
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
      sort([for p in output.objects["traefik-ingress"]["Service/traefik"].spec.ports : tostring(p.port)]) == sort(["80", "443", "9091", "9092"])
    )
    error_message = "The ingress controller publishes 80 (redirect), 443 and the API ports on its static address."
  }

  assert {
    condition = alltrue([
      for a in ["--entrypoints.websecure.address=:8443", "--entrypoints.api-json.address=:9091", "--entrypoints.api-grpc.address=:9092", "--providers.kubernetesingress.ingressclass=traefik"] :
      contains(output.objects["traefik-ingress"]["Deployment/traefik"].spec.template.spec.containers[0].args, a)
    ])
    error_message = "Each public port is its own https entry point; the controller watches its IngressClass only."
  }
}
