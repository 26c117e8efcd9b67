output "name" {
  description = "Cluster name."
  value       = google_container_cluster.this.name
}

output "location" {
  description = "Cluster location (region)."
  value       = google_container_cluster.this.location
}

output "endpoint" {
  description = "Control plane endpoint, for the kubernetes and helm providers (https://<endpoint>)."
  value       = google_container_cluster.this.endpoint
}

output "cluster_ca_certificate" {
  description = "Base64 PEM of the cluster CA, for the kubernetes and helm providers."
  value       = one(google_container_cluster.this.master_auth[*].cluster_ca_certificate)
}

output "ingress_ip" {
  description = "Public IPv4 of the ingress controller (modules/network's ingress.ip_address)."
  value       = google_compute_address.ingress.address
}

output "ingress" {
  description = "What modules/network needs to know about the ingress controller."
  value = {
    ip_address = google_compute_address.ingress.address
    class_name = var.ingress.class_name
    namespace  = var.ingress.namespace
    entrypoint = local.https_entrypoint
  }
}

output "project_number" {
  description = "Number of the project (for IAM principal identifiers)."
  value       = data.google_project.this.number
}

output "image_registry_mirror" {
  description = "Registry path of the Docker Hub remote repository (<region>-docker.pkg.dev/<project>/<repository>), for modules/network's image_registry_mirror; null without image_mirror."
  value       = var.image_mirror ? "${google_artifact_registry_repository.dockerhub[0].location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.dockerhub[0].repository_id}" : null
}
