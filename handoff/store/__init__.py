"""The only code that touches Redis: the key layout (keys), the atomic scripts (lua), the live state that
reads and wraps them (state), the buttons the bot offered (offered)."""
