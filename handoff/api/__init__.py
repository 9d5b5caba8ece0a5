"""The hub's HTTP and WebSocket routes, one module per route group; `deps` holds what they share."""
