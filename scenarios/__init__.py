"""The shipped scenarios (YAML files beside this module) and their JSON Schema."""
