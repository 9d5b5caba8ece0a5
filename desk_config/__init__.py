"""One way to configure every service: a pydantic-settings class per service on one base (desk_config.base),
and the configuration reference generated from those classes (`python -m desk_config.reference`)."""
