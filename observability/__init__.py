"""What every service of ours shows operators: JSON logs that carry the conversation, call or request they
are about (and no personal data), and Prometheus metrics on `/metrics`."""
