resource "broken" {
  = nope
