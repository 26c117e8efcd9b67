mock_provider "google" {
  mock_resource "google_compute_address" {
    defaults = {
      address = "203.0.113.10"
    }
  }
}

mock_provider "helm" {}

variables {
  project_id = "sm-web-test"
}

run "cluster" {
  command = plan

  assert {
    condition     = google_container_cluster.this.datapath_provider == "ADVANCED_DATAPATH"
    error_message = "Dataplane V2 enforces the networks' NetworkPolicies."
  }

  assert {
    condition     = google_container_cluster.this.private_cluster_config[0].enable_private_nodes == true && google_container_cluster.this.remove_default_node_pool == true
    error_message = "Nodes have no public addresses; the default pool is replaced by a managed one."
  }

  assert {
    condition     = google_container_cluster.this.workload_identity_config[0].workload_pool == "sm-web-test.svc.id.goog" && google_container_cluster.this.deletion_protection == true
    error_message = "Workload identity on; the cluster is protected from deletion."
  }

  assert {
    condition = (
      google_container_node_pool.default.node_config[0].workload_metadata_config[0].mode == "GKE_METADATA" &&
      google_container_node_pool.default.upgrade_settings[0].max_unavailable == 0 &&
      google_container_node_pool.default.node_config[0].shielded_instance_config[0].enable_secure_boot == true
    )
    error_message = "Nodes hide the metadata server, boot securely and upgrade by surge."
  }

  assert {
    condition     = !contains(keys(google_project_iam_member.nodes), "roles/editor") && length(google_project_iam_member.nodes) == 5
    error_message = "The node service account gets only logging, monitoring and image-pull roles."
  }
}

run "ingress_controller" {
  command = apply

  assert {
    condition = (
      yamldecode(helm_release.ingress[0].values[0]).ipAddress == "203.0.113.10" &&
      yamldecode(helm_release.ingress[0].values[0]).entrypoints == { websecure = 443 } &&
      output.ingress.entrypoint == "websecure"
    )
    error_message = "The ingress controller listens on the static address with one https entry point on 443, named in the output as modules/network expects."
  }

  assert {
    condition     = output.ingress_ip == "203.0.113.10"
    error_message = "The ingress address is an output for the networks' DNS records."
  }
}

run "bring_your_own_ingress" {
  command = plan

  variables {
    install_ingress_controller = false
  }

  assert {
    condition     = length(helm_release.ingress) == 0
    error_message = "The ingress controller is optional."
  }
}

run "ingress_class_is_checked" {
  command = plan
  variables {
    ingress = { class_name = "Traefik Class" }
  }
  expect_failures = [var.ingress]
}

run "docker_hub_through_artifact_registry" {
  command = plan

  assert {
    condition = (
      google_artifact_registry_repository.dockerhub[0].mode == "REMOTE_REPOSITORY" &&
      google_artifact_registry_repository.dockerhub[0].format == "DOCKER" &&
      google_artifact_registry_repository.dockerhub[0].remote_repository_config[0].docker_repository[0].public_repository == "DOCKER_HUB" &&
      output.image_registry_mirror == "us-central1-docker.pkg.dev/sm-web-test/spacemesh-web-dockerhub" &&
      contains(keys(google_project_iam_member.nodes), "roles/artifactregistry.reader")
    )
    error_message = "Docker Hub images are pulled through an Artifact Registry remote repository the nodes may read."
  }
}
