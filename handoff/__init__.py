"""Human handoff hub: customer chat channel, routing to agents, agents' and supervisors' console."""
