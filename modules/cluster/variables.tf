variable "project_id" {
  description = "Google Cloud project of the cluster."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id."
  }
}

variable "region" {
  description = "Region of the (regional) cluster, its NAT and the ingress controller's address."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1."
  }
}

variable "name" {
  description = "Cluster name."
  type        = string
  default     = "spacemesh-web"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be 1-40 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "network" {
  description = "VPC network the cluster joins."
  type        = string
  default     = "default"
}

variable "subnetwork" {
  description = "Subnetwork of the nodes (VPC-native: pods and services use secondary ranges GKE creates)."
  type        = string
  default     = "default"
}

variable "release_channel" {
  description = "GKE release channel."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "master_authorized_networks" {
  description = "CIDR blocks allowed to reach the control plane (Terraform's runners). Empty: no restriction beyond Google authentication."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []

  validation {
    condition     = alltrue([for n in var.master_authorized_networks : can(cidrhost(n.cidr_block, 0))])
    error_message = "Each master_authorized_networks entry needs a valid CIDR block."
  }
}

variable "machine_type" {
  description = "Machine type of the nodes. A network runs three full nodes (two API, one collector) of about 8 GiB each, plus its web services."
  type        = string
  default     = "n2-standard-8"
}

variable "min_nodes_per_zone" {
  description = "Autoscaling lower bound, per zone."
  type        = number
  default     = 1

  validation {
    condition     = var.min_nodes_per_zone >= 0 && floor(var.min_nodes_per_zone) == var.min_nodes_per_zone
    error_message = "min_nodes_per_zone must be a whole number >= 0."
  }
}

variable "max_nodes_per_zone" {
  description = "Autoscaling upper bound, per zone."
  type        = number
  default     = 4

  validation {
    condition     = var.max_nodes_per_zone >= 1 && var.max_nodes_per_zone >= var.min_nodes_per_zone
    error_message = "max_nodes_per_zone must be at least 1 and at least min_nodes_per_zone."
  }
}

variable "disk_size_gb" {
  description = "Boot disk of each node (the networks' data lives on persistent volumes)."
  type        = number
  default     = 100
}

variable "deletion_protection" {
  description = "Refuse to destroy the cluster (turn off deliberately before tearing it down)."
  type        = bool
  default     = true
}

variable "install_ingress_controller" {
  description = "Install the ingress controller (Traefik, from the chart in charts/) the network module's Ingresses use. Needs the helm provider configured for this cluster: apply the cluster first (see README)."
  type        = bool
  default     = true
}

variable "ingress" {
  description = "The ingress controller: image, namespace, IngressClass and replicas. It serves every network's hosts on one https entry point on 443 (named websecure): the API host routes gRPC by Content-Type with an IngressRoute, so Traefik's CRDs (charts/traefik-ingress/crds, installed with the chart) are needed."
  type = object({
    image      = optional(string, "traefik:v3.7.11")
    namespace  = optional(string, "ingress")
    class_name = optional(string, "traefik")
    replicas   = optional(number, 2)
  })
  default = {}

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.ingress.class_name)) && can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.ingress.namespace))
    error_message = "ingress.class_name must be a DNS subdomain and ingress.namespace a DNS label."
  }

  validation {
    condition     = var.ingress.replicas >= 1 && floor(var.ingress.replicas) == var.ingress.replicas
    error_message = "ingress.replicas must be a whole number >= 1."
  }
}

variable "image_mirror" {
  description = "Create an Artifact Registry remote repository of Docker Hub in the cluster's region (output image_registry_mirror, for modules/network's image_registry_mirror)."
  type        = bool
  default     = true
  nullable    = false
}
