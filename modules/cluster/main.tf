data "google_project" "this" {
  project_id = var.project_id
}

# Nodes run as a dedicated service account that can only write logs and metrics and pull images.
resource "google_service_account" "nodes" {
  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "GKE nodes of ${var.name}"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/artifactregistry.reader",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_container_cluster" "this" {
  project  = var.project_id
  name     = var.name
  location = var.region

  network    = var.network
  subnetwork = var.subnetwork

  # Node pools are managed separately.
  remove_default_node_pool = true
  initial_node_count       = 1

  networking_mode = "VPC_NATIVE"
  ip_allocation_policy {}

  # Dataplane V2 enforces the networks' NetworkPolicies.
  datapath_provider = "ADVANCED_DATAPATH"

  release_channel {
    channel = var.release_channel
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
  }

  dynamic "master_authorized_networks_config" {
    for_each = length(var.master_authorized_networks) > 0 ? [1] : []
    content {
      dynamic "cidr_blocks" {
        for_each = var.master_authorized_networks
        content {
          cidr_block   = cidr_blocks.value.cidr_block
          display_name = cidr_blocks.value.display_name
        }
      }
    }
  }

  enable_shielded_nodes = true

  maintenance_policy {
    recurring_window {
      start_time = "2025-01-01T02:00:00Z"
      end_time   = "2025-01-01T06:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=TU,WE,TH"
    }
  }

  deletion_protection = var.deletion_protection
}

resource "google_container_node_pool" "default" {
  project  = var.project_id
  name     = "default"
  location = var.region
  cluster  = google_container_cluster.this.name

  autoscaling {
    min_node_count = var.min_nodes_per_zone
    max_node_count = var.max_nodes_per_zone
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  # Surge upgrades: a new node joins before an old one drains.
  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type    = var.machine_type
    disk_size_gb    = var.disk_size_gb
    disk_type       = "pd-balanced"
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    labels = { "spacemesh.io/pool" = "default" }
  }
}

# Private nodes reach the internet (image registries, the Spacemesh p2p network) through NAT.
resource "google_compute_router" "nat" {
  project = var.project_id
  name    = "${var.name}-nat"
  region  = var.region
  network = var.network
}

resource "google_compute_router_nat" "nat" {
  project                            = var.project_id
  name                               = "${var.name}-nat"
  router                             = google_compute_router.nat.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}

# The ingress controller's public address: every network's DNS records point here.
resource "google_compute_address" "ingress" {
  project      = var.project_id
  name         = "${var.name}-ingress"
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "PREMIUM"
}

locals {
  https_entrypoint = "websecure"
}

resource "helm_release" "ingress" {
  count = var.install_ingress_controller ? 1 : 0

  name             = "traefik"
  namespace        = var.ingress.namespace
  create_namespace = true
  chart            = "${path.module}/charts/traefik-ingress"
  wait             = true
  timeout          = 600

  values = [yamlencode({
    image       = var.ingress.image
    replicas    = var.ingress.replicas
    className   = var.ingress.class_name
    ipAddress   = google_compute_address.ingress.address
    entrypoints = { (local.https_entrypoint) = 443 }
  })]

  depends_on = [google_container_node_pool.default]
}

# Docker Hub through Artifact Registry: every node pulls images from this remote repository (the node
# service account has artifactregistry.reader), which fetches each image from Docker Hub once and
# caches it, instead of every pull going to Docker Hub through the one NAT address (and its
# anonymous rate limit). modules/network's image_registry_mirror takes the output.
resource "google_artifact_registry_repository" "dockerhub" {
  count = var.image_mirror ? 1 : 0

  project       = var.project_id
  location      = var.region
  repository_id = "${var.name}-dockerhub"
  description   = "Docker Hub, cached for the ${var.name} cluster"
  format        = "DOCKER"
  mode          = "REMOTE_REPOSITORY"

  remote_repository_config {
    description = "Docker Hub"
    docker_repository {
      public_repository = "DOCKER_HUB"
    }
  }
}
