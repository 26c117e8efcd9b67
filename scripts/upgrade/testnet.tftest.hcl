# Upgrading the production root keeps its state. Runs only, not a test of its own:
# scripts/test-modules.sh appends them to the mocks of examples/testnet/tests/testnet.tftest.hcl
# (everything above its first run). The first run applies examples/testnet as the modules' previous
# layout had it (unpacked into ../../previous), the second plans the current root on the state it
# left. The script reads that plan (-verbose): both load balancer fronts move into
# modules/https-frontend, the zone's SSL setting moves to the root (and the devnets' discovery
# module's copy is forgotten), and nothing is destroyed or replaced.

run "upgrade_previous_layout" {
  state_key = "upgrade"

  module {
    source = "../../previous/examples/testnet"
  }
}

run "upgrade_current_layout" {
  command   = plan
  state_key = "upgrade"
}
