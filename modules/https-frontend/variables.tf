variable "project_id" {
  description = "Project of the load balancer."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id (6-30 lower-case letters, digits and hyphens, starting with a letter)."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (the caller's, so names stay as they were)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-40 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "ip_address" {
  description = "The global address both forwarding rules listen on."
  type        = string
}

variable "url_map_id" {
  description = "The https URL map (what the caller serves)."
  type        = string
}

variable "certificate_map_id" {
  description = "Id of the Certificate Manager certificate map the https proxy presents."
  type        = string
}

variable "redirect_description" {
  description = "Description of the http-to-https redirect URL map."
  type        = string
  default     = "Redirects every http request to https"
}
