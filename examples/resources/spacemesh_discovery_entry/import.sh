# The id is the document's URL and the network id, joined by '#'.
terraform import spacemesh_discovery_entry.testnet_118 'gs://sm-discovery/networks.json#118'
