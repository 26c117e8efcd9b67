variable "project_id" {
  description = "Google Cloud project of the web services."
  type        = string
}

variable "region" {
  description = "Region of the GKE cluster."
  type        = string
  default     = "us-central1"
}

variable "cluster_name" {
  description = "The GKE cluster the networks share (modules/cluster, or your own)."
  type        = string
  default     = "spacemesh-web"
}

variable "domain" {
  description = "The operator's DNS zone; every public name is built from it."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of domain."
  type        = string
}

variable "discovery_bucket" {
  description = "Name of the discovery bucket (globally unique)."
  type        = string
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channels the alerts go to."
  type        = list(string)
}

variable "ingress_ip" {
  description = "Public IPv4 of the cluster's ingress controller (modules/cluster output ingress_ip)."
  type        = string
}

variable "tls_secret_project" {
  description = "Project holding the Secret Manager secrets with the networks' TLS certificate and key."
  type        = string
}

variable "terraform_service_account" {
  description = "The identity Terraform (Cloud) runs as; it may write the discovery document. E.g. serviceAccount:tfc@project.iam.gserviceaccount.com."
  type        = string
}
