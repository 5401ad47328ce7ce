# Packer (HCL2): apply a TLS profile to the image a qemu build made, then
# check it, in a shell-local post-processor, before the image leaves the
# build.  Only the post-processor is tlshive's; the source stands for
# whatever builds your Windows qcow2.  tlshive runs on the machine running
# packer, on the image file once the VM is shut down.
#
# shell-local joins the inline lines into one script run by /bin/sh -e:
# the first command exiting non-zero ends it with that status, which
# valid_exit_codes then judges.  tlshive's statuses (tlshive(8), EXIT STATUS):
#   apply: 0 done, 2 an error (nothing written), 75 a temporary error
#   check: 0 compliant, 1 not compliant, 2 an error, 75 a temporary error
# apply never exits 1, so a 1 can only be check's verdict.  2 and 75 always
# fail the build: an image tlshive could not read or write is not done.
# 1 fails it too unless allow_noncompliant is set, when the image ships
# with its report (IMAGE.tls-check.json: the differences) beside it.

packer {
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = ">= 1.1.0"
    }
  }
}

variable "output_directory" {
  type    = string
  default = "output-windows"
}

variable "format" {
  type    = string
  default = "qcow2"
}

variable "vm_name" {
  type    = string
  default = "windows-2022.qcow2"
}

variable "tls_profile" {
  type    = string
  default = "recommended"
}

# seconds between the tries after exit 75 (a lock, a dropped connection);
# 0 retries at once, as tests/cli/recipes.sh runs it
variable "retry_delay" {
  type    = number
  default = 10
}

variable "allow_noncompliant" {
  type    = bool
  default = false
}

locals {
  image = "${var.output_directory}/${var.vm_name}"
}

source "qemu" "windows" {
  iso_url          = "windows-server-2022.iso"
  iso_checksum     = "none"
  format           = var.format
  output_directory = var.output_directory
  vm_name          = var.vm_name
  communicator     = "winrm"
  winrm_username   = "Administrator"
  shutdown_command = "shutdown /s /t 0 /f"
}

build {
  sources = ["source.qemu.windows"]

  post-processor "shell-local" {
    # --format: the format packer wrote, never guessed from the image's
    # first bytes (a raw disk's are the guest's); -u: the .reg that
    # restores what apply changed, kept with the image
    inline = [
      # 75 is worth a second try (another tlshive's lock without --wait,
      # a transient I/O error, qemu-nbd's connection); packer retries no
      # post-processor, so the step does, three times at most
      "n=0; until tlshive apply --json --format ${var.format} -p ${var.tls_profile} -u ${local.image}.tls-undo.reg ${local.image} > ${local.image}.tls-apply.json; do rc=$?; n=$((n + 1)); [ $rc -eq 75 ] && [ $n -lt 3 ] || exit $rc; [ ${var.retry_delay} -eq 0 ] || sleep ${var.retry_delay}; done",
      # what apply did, for the build log
      "jq -r '\"tlshive: \\(.changes | length) values changed\"' ${local.image}.tls-apply.json",
      # a second, independent read: check exits 1 if the image does not
      # comply with the profile after all (a setting the profile sets in a
      # view this Windows does not read, a .reg a later step merged, ...)
      "tlshive check --json --format ${var.format} -p ${var.tls_profile} ${local.image} > ${local.image}.tls-check.json",
    ]
    valid_exit_codes = var.allow_noncompliant ? [0, 1] : [0]
  }
}
