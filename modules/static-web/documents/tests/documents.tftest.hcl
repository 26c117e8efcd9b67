# Where the spacemesh provider keeps each document's network lists (discovery_views: views/<object
# name less .json>/ beside the object), as modules/static-web's network_views takes it.
# internal/provider's TestAccDiscoveryViewsFollowTheDocument reads the provider's own at the same
# place (nets/views/networks/ for gs://sm-discovery/nets/networks.json).

mock_provider "spacemesh" {}

run "views_beside_each_gcs_document" {
  command = plan

  variables {
    discovery_urls = {
      public = "gs://sm-discovery/networks.json"
      dev    = "gs://sm-discovery-dev/nets/dev/networks-dev.json"
    }
  }

  assert {
    condition = output.views == {
      public = { bucket = "sm-discovery", prefix = "views/networks/" }
      dev    = { bucket = "sm-discovery-dev", prefix = "nets/dev/views/networks-dev/" }
    }
    error_message = "The lists live under views/<name>/ in the document's folder and bucket: ${jsonencode(output.views)}"
  }
}

run "no_bucket_for_a_file_document" {
  command = plan

  variables {
    discovery_urls = {
      public = "gs://sm-discovery/networks.json"
      dev    = "file:///srv/discovery/networks-dev.json"
    }
  }

  assert {
    condition     = keys(output.views) == ["public"]
    error_message = "A file document has no bucket a load balancer could serve: ${jsonencode(output.views)}"
  }
}
