# A network's lifecycle on examples/testnet, one block at a time. Runs only, not a test of its own:
# scripts/test-modules.sh appends them to the mocks of examples/testnet/tests/testnet.tftest.hcl
# (everything above its first run) and writes the two configurations they plan next to
# examples/testnet, each a copy of it with one change:
#   ../testnet-add-120     the testnet_119 block copied as testnet_120 (net id 120), nothing else
#   ../testnet-retire-119  the testnet_119 block deleted, nothing else
# Every run shares one state: the two networks as applied first. The script reads the plans (-verbose)
# and checks which addresses each one touches.

run "lifecycle_two_networks" {
  state_key = "lifecycle"
}

# The block is added; its entry is not published yet (the plan reads the documents as they are): the
# plan creates the network's resources, entry last, and changes nothing else.
run "lifecycle_add_120" {
  command   = plan
  state_key = "lifecycle"

  module {
    source = "../testnet-add-120"
  }

  # The network's own check reads the document too (its entry is in it once published).
  override_data {
    target = module.testnet_120.data.spacemesh_discovery.published
    values = {
      net_ids = [118, 119, 120]
    }
  }

  override_resource {
    target          = module.testnet_120.spacemesh_network.this
    override_during = plan
    values = {
      api_host               = "120.api.example.org"
      stats_api_host         = "120.stats.example.org"
      stats_api_url          = "https://120.stats.example.org"
      explorer_api_url       = "https://120.stats.example.org"
      dash_api_url           = "https://120.stats.example.org/#dash-120"
      labels_per_unit        = 4096
      allowed_origins        = ["https://120.explore.example.org", "https://120.dash.example.org"]
      explorer_host          = "120.explore.example.org"
      dash_host              = "120.dash.example.org"
      api_json_url           = "https://120.api.example.org"
      api_grpc_url           = "https://120.api.example.org"
      explorer_url           = "https://120.explore.example.org/"
      dash_url               = "https://120.dash.example.org/"
      hrp                    = "stest"
      id                     = "120"
      api_node_version       = "1.7.6"
      genesis_time           = "2026-09-01T12:00:00Z"
      layer_duration         = "5m0s"
      layers_per_epoch       = 288
      layer_duration_seconds = 300
      genesis_id             = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f20"
      smapp_genesis_id       = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f0120"
      config_sha256          = "0000000000000000000000000000000000000000000000000000000000000120"
      api_node_config        = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
      discovery_entry = {
        net_id                  = 120
        net_name                = "Open Testnet 120"
        conf                    = "https://configs.example.org/testnet-120.json"
        api_json                = "https://120.api.example.org"
        api_grpc                = "https://120.api.example.org"
        explorer                = "https://120.explore.example.org/"
        dash                    = "https://120.dash.example.org/"
        min_node_release        = "1.7.0"
        latest_node_release     = "v1.7.6"
        min_smapp_release       = "1.6.0"
        latest_smapp_release    = "1.7.2"
        smapp_base_download_url = "https://smapp.example.org/dist"
        node_base_download_url  = "https://downloads.example.org/go-spacemesh"
        genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f20"
        stats_api               = "https://120.stats.example.org"
        dash_api                = "https://120.stats.example.org/#dash-120"
        explorer_api            = "https://120.stats.example.org"
      }
    }
  }

  assert {
    condition     = module.testnet_120.hosts.api == "120.api.example.org" && !contains(module.web.hosts, "120.explore.example.org")
    error_message = "The new block deploys network 120; the web does not list it before its entry is published."
  }
}

# The entry of 120 is in the document: the next plan adds 120 to the web (its info page, its frontend
# lists, its hosts and their DNS records; the shared lists and the index name it), and touches no
# network block.
run "lifecycle_add_120_published" {
  command   = plan
  state_key = "lifecycle"

  module {
    source = "../testnet-add-120"
  }

  # The network's own check reads the document too (its entry is in it once published).
  override_data {
    target = module.testnet_120.data.spacemesh_discovery.published
    values = {
      net_ids = [118, 119, 120]
    }
  }

  override_resource {
    target          = module.testnet_120.spacemesh_network.this
    override_during = plan
    values = {
      api_host               = "120.api.example.org"
      stats_api_host         = "120.stats.example.org"
      stats_api_url          = "https://120.stats.example.org"
      explorer_api_url       = "https://120.stats.example.org"
      dash_api_url           = "https://120.stats.example.org/#dash-120"
      labels_per_unit        = 4096
      allowed_origins        = ["https://120.explore.example.org", "https://120.dash.example.org"]
      explorer_host          = "120.explore.example.org"
      dash_host              = "120.dash.example.org"
      api_json_url           = "https://120.api.example.org"
      api_grpc_url           = "https://120.api.example.org"
      explorer_url           = "https://120.explore.example.org/"
      dash_url               = "https://120.dash.example.org/"
      hrp                    = "stest"
      id                     = "120"
      api_node_version       = "1.7.6"
      genesis_time           = "2026-09-01T12:00:00Z"
      layer_duration         = "5m0s"
      layers_per_epoch       = 288
      layer_duration_seconds = 300
      genesis_id             = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f20"
      smapp_genesis_id       = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f0120"
      config_sha256          = "0000000000000000000000000000000000000000000000000000000000000120"
      api_node_config        = "{\"api\":{\"grpc-public-listener\":\"0.0.0.0:9092\",\"grpc-private-listener\":\"127.0.0.1:9093\",\"grpc-json-listener\":\"0.0.0.0:9091\"},\"post\":{\"post-labels-per-unit\":4096}}"
      discovery_entry = {
        net_id                  = 120
        net_name                = "Open Testnet 120"
        conf                    = "https://configs.example.org/testnet-120.json"
        api_json                = "https://120.api.example.org"
        api_grpc                = "https://120.api.example.org"
        explorer                = "https://120.explore.example.org/"
        dash                    = "https://120.dash.example.org/"
        min_node_release        = "1.7.0"
        latest_node_release     = "v1.7.6"
        min_smapp_release       = "1.6.0"
        latest_smapp_release    = "1.7.2"
        smapp_base_download_url = "https://smapp.example.org/dist"
        node_base_download_url  = "https://downloads.example.org/go-spacemesh"
        genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f20"
        stats_api               = "https://120.stats.example.org"
        dash_api                = "https://120.stats.example.org/#dash-120"
        explorer_api            = "https://120.stats.example.org"
      }
    }
  }

  override_data {
    target = data.spacemesh_discovery.public_now
    values = {
      net_ids = [118, 119, 120]
    }
  }

  override_module {
    target = module.published
    outputs = {
      net_ids = { public = [118, 119, 120], dev = [401] }
      views = {
        public = { bucket = "sm-discovery-example", prefix = "views/networks/" }
        dev    = { bucket = "sm-discovery-dev-example", prefix = "views/networks-dev/" }
      }
      entries = {
        public = [
          {
            net_id                  = 118
            net_name                = "TweedleDee Open Testnet 118"
            conf                    = "https://configs.example.org/testnet-118.json"
            api_json                = "https://118.api.example.org"
            api_grpc                = "https://118.api.example.org"
            explorer                = "https://118.explore.example.org/"
            dash                    = "https://118.dash.example.org/"
            min_node_release        = "1.7.0"
            latest_node_release     = "1.7.6"
            min_smapp_release       = "1.6.0"
            latest_smapp_release    = "1.7.2"
            smapp_base_download_url = "https://smapp.example.org/dist"
            node_base_download_url  = "https://downloads.example.org/go-spacemesh"
            genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f18"
            stats_api               = "https://118.stats.example.org"
            dash_api                = "https://118.stats.example.org/#dash-118"
            explorer_api            = "https://118.stats.example.org"
            extra                   = {}
          },
          {
            net_id                  = 119
            net_name                = "TweedleDum Open Testnet 119"
            conf                    = "https://configs.example.org/testnet-119.json"
            api_json                = "https://119.api.example.org"
            api_grpc                = "https://119.api.example.org"
            explorer                = "https://119.explore.example.org/"
            dash                    = "https://119.dash.example.org/"
            min_node_release        = "1.7.0"
            latest_node_release     = "1.7.6"
            min_smapp_release       = "1.6.0"
            latest_smapp_release    = "1.7.2"
            smapp_base_download_url = "https://smapp.example.org/dist"
            node_base_download_url  = "https://downloads.example.org/go-spacemesh"
            genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f19"
            stats_api               = "https://119.stats.example.org"
            dash_api                = "https://119.stats.example.org/#dash-119"
            explorer_api            = "https://119.stats.example.org"
            extra                   = {}
          },
          {
            net_id                  = 120
            net_name                = "Open Testnet 120"
            conf                    = "https://configs.example.org/testnet-120.json"
            api_json                = "https://120.api.example.org"
            api_grpc                = "https://120.api.example.org"
            explorer                = "https://120.explore.example.org/"
            dash                    = "https://120.dash.example.org/"
            min_node_release        = "1.7.0"
            latest_node_release     = "1.7.6"
            min_smapp_release       = "1.6.0"
            latest_smapp_release    = "1.7.2"
            smapp_base_download_url = "https://smapp.example.org/dist"
            node_base_download_url  = "https://downloads.example.org/go-spacemesh"
            genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f20"
            stats_api               = "https://120.stats.example.org"
            dash_api                = "https://120.stats.example.org/#dash-120"
            explorer_api            = "https://120.stats.example.org"
            extra                   = {}
          },
        ]
        dev = [
          {
            net_id                  = 401
            net_name                = "Devnet 401"
            conf                    = "https://configs.example.org/devnet-401.json"
            api_json                = "https://401.api.example.org"
            api_grpc                = "https://401.api.example.org"
            explorer                = "https://401.explore-dev.example.org/"
            dash                    = "https://401.dash-dev.example.org/"
            min_node_release        = "1.2.3"
            latest_node_release     = "1.2.3+1"
            min_smapp_release       = "1.7.2"
            latest_smapp_release    = "1.7.2"
            smapp_base_download_url = "https://smapp.example.org/dist"
            node_base_download_url  = "https://downloads.example.org/go-spacemesh"
            genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40"
            stats_api               = "https://401.stats.example.org"
            dash_api                = "https://401.stats.example.org/#dash-401"
            explorer_api            = "https://401.stats.example.org"
            extra                   = {}
          },
        ]
      }
    }
  }

  assert {
    condition = (
      contains(module.web.hosts, "120.explore.example.org") && contains(module.web.hosts, "120.dash.example.org") && contains(module.web.hosts, "120.net.example.org") &&
      module.web.listed_net_ids.public == [118, 119, 120] &&
      strcontains(module.web.generated_objects["info/index.html"], "data-net-id=\"120\"") &&
      contains(keys(module.web.generated_objects), "info/120/index.html") &&
      contains([for n in jsondecode(module.web.generated_objects["views/public/networks.json"]) : n.netID], 120)
    )
    error_message = "Once published, network 120 is on the web: its hosts, info page and the lists."
  }
}

# The block is deleted: its entry goes first, then its resources. Nothing outside the block changes in
# this plan (the web still lists what the document held when it began).
run "lifecycle_retire_119" {
  command   = plan
  state_key = "lifecycle"

  module {
    source = "../testnet-retire-119"
  }
}

# The entry of 119 is gone from the document: the plan takes 119 off every list, page and record of the
# web, and leaves 118 as it is.
run "lifecycle_retire_119_unpublished" {
  command   = plan
  state_key = "lifecycle"

  module {
    source = "../testnet-retire-119"
  }

  override_data {
    target = data.spacemesh_discovery.public_now
    values = {
      net_ids = [118]
    }
  }

  override_module {
    target = module.published
    outputs = {
      net_ids = { public = [118], dev = [401] }
      views = {
        public = { bucket = "sm-discovery-example", prefix = "views/networks/" }
        dev    = { bucket = "sm-discovery-dev-example", prefix = "views/networks-dev/" }
      }
      entries = {
        public = [
          {
            net_id                  = 118
            net_name                = "TweedleDee Open Testnet 118"
            conf                    = "https://configs.example.org/testnet-118.json"
            api_json                = "https://118.api.example.org"
            api_grpc                = "https://118.api.example.org"
            explorer                = "https://118.explore.example.org/"
            dash                    = "https://118.dash.example.org/"
            min_node_release        = "1.7.0"
            latest_node_release     = "1.7.6"
            min_smapp_release       = "1.6.0"
            latest_smapp_release    = "1.7.2"
            smapp_base_download_url = "https://smapp.example.org/dist"
            node_base_download_url  = "https://downloads.example.org/go-spacemesh"
            genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f18"
            stats_api               = "https://118.stats.example.org"
            dash_api                = "https://118.stats.example.org/#dash-118"
            explorer_api            = "https://118.stats.example.org"
            extra                   = {}
          },
        ]
        dev = [
          {
            net_id                  = 401
            net_name                = "Devnet 401"
            conf                    = "https://configs.example.org/devnet-401.json"
            api_json                = "https://401.api.example.org"
            api_grpc                = "https://401.api.example.org"
            explorer                = "https://401.explore-dev.example.org/"
            dash                    = "https://401.dash-dev.example.org/"
            min_node_release        = "1.2.3"
            latest_node_release     = "1.2.3+1"
            min_smapp_release       = "1.7.2"
            latest_smapp_release    = "1.7.2"
            smapp_base_download_url = "https://smapp.example.org/dist"
            node_base_download_url  = "https://downloads.example.org/go-spacemesh"
            genesis_id              = "3b5f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40"
            stats_api               = "https://401.stats.example.org"
            dash_api                = "https://401.stats.example.org/#dash-401"
            explorer_api            = "https://401.stats.example.org"
            extra                   = {}
          },
        ]
      }
    }
  }

  assert {
    condition = (
      length([for h in module.web.hosts : h if startswith(h, "119.")]) == 0 &&
      !contains(keys(module.web.info_urls), "119") &&
      module.web.listed_net_ids.public == [118] &&
      length([for name, content in module.web.generated_objects : name if strcontains(content, "119.") || strcontains(name, "/119/")]) == 0
    )
    error_message = "After its entry is removed, 119 is in no host, page or list of the web: ${jsonencode([for name, content in module.web.generated_objects : name if strcontains(content, "119.") || strcontains(name, "/119/")])}"
  }

  assert {
    condition     = contains(module.web.hosts, "118.explore.example.org") && contains(keys(module.web.generated_objects), "info/118/index.html")
    error_message = "118 stays on the web."
  }
}
