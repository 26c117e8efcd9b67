terraform {
  required_version = ">= 1.11"

  # Terraform Cloud runs this root on every merge (and stores its state). Set the organisation and
  # workspace here, or leave them and export TF_CLOUD_ORGANIZATION / TF_WORKSPACE; `terraform login`
  # once on a laptop. See README.md ("Terraform Cloud").
  cloud {
    organization = "spacemeshos"

    workspaces {
      name = "spacemesh-testnet"
    }
  }

  required_providers {
    spacemesh = {
      source  = "spacemeshos/spacemesh"
      version = ">= 0.0.1"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 8.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.2"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 3.2.1, < 4.0.0"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.24"
    }
    # Only the check blocks use it (smoke tests of every public endpoint).
    http = {
      source  = "hashicorp/http"
      version = "~> 3.5"
    }
  }
}
