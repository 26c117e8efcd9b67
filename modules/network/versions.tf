terraform {
  required_version = ">= 1.11"

  required_providers {
    spacemesh = {
      source  = "spacemeshos/spacemesh"
      version = ">= 0.0.1"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 8.0"
      # google.secrets reads the TLS certificate from Secret Manager (ephemeral resources); pass
      # the same configuration as google unless the secrets live elsewhere.
      configuration_aliases = [google.secrets]
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
    # Only the check blocks use it (smoke tests of the public endpoints).
    http = {
      source  = "hashicorp/http"
      version = "~> 3.5"
    }
  }
}
