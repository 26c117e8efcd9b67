# Reads manifests rendered by `helm template` (scripts/test-modules.sh writes one <chart>.yaml per
# chart into manifests_dir) so that tests/charts.tftest.hcl can assert on the objects. No providers.

terraform {
  required_version = ">= 1.11"
}

variable "manifests_dir" {
  description = "Directory of rendered manifests, one <chart>.yaml per chart."
  type        = string
}

variable "node_config_file" {
  description = "The node config the api-node chart was rendered with."
  type        = string
}

locals {
  files = { for f in fileset(var.manifests_dir, "*.yaml") : trimsuffix(f, ".yaml") => file("${var.manifests_dir}/${f}") }

  # helm template separates documents with "---"; chunks holding only comments (or nothing) are
  # not documents. Every other chunk must decode: a malformed one fails here.
  documents = {
    for chart, content in local.files : chart => [
      for chunk in split("\n---\n", "\n${content}\n") : yamldecode(chunk)
      if trimspace(replace(chunk, "/(?m)^#.*$/", "")) != ""
    ]
  }

  objects = {
    for chart, docs in local.documents : chart => { for d in docs : "${d.kind}/${d.metadata.name}" => d }
  }

  all_objects = flatten([for chart, docs in local.documents : docs])
  services    = [for o in local.all_objects : o if o.kind == "Service"]
  ingresses   = [for o in local.all_objects : o if o.kind == "Ingress"]
  workloads   = [for o in local.all_objects : o if contains(["Deployment", "StatefulSet"], o.kind)]

  node_config = jsondecode(file(var.node_config_file))

  api_node_containers = { for c in local.objects["api-node"]["StatefulSet/api-node"].spec.template.spec.containers : c.name => c }
}

output "objects" {
  value = local.objects
}

output "services" {
  value = local.services
}

output "ingresses" {
  value = local.ingresses
}

output "workloads" {
  value = local.workloads
}

output "node_config" {
  value = local.node_config
}

output "node_container" {
  value = local.api_node_containers["node"]
}

output "stats_container" {
  value = local.api_node_containers["stats-api"]
}
