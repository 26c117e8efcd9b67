# A pause between the runs of tests/dataplane: while it waits, the Go test (internal/testing/dataplane) sends
# requests through the route to what the previous runs installed. It writes <step>.reached into the
# directory named by DATAPLANE_STEPS and returns once the test has written <step>.done (30 minutes
# at most).
variable "step" {
  type = string
}

resource "terraform_data" "hold" {
  triggers_replace = var.step

  provisioner "local-exec" {
    command = <<-EOT
      set -eu
      steps="$${DATAPLANE_STEPS:?DATAPLANE_STEPS is not set}"
      touch "$steps/${var.step}.reached"
      i=0
      while [ ! -e "$steps/${var.step}.done" ]; do
        i=$((i + 1))
        [ "$i" -le 1800 ] || { echo "no $steps/${var.step}.done after 30 minutes" >&2; exit 1; }
        sleep 1
      done
    EOT
  }
}
