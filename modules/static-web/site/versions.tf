terraform {
  required_version = ">= 1.11"
  # No providers: this module only computes (hosts, routes, pages), so that it can be evaluated on its
  # own, without a cloud, by the browser test and by anyone who wants to preview the pages.
}
