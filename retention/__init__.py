"""The retention job: deletes conversation data older than the retention period from every store
(`python -m retention`). A job of its own, like the reminder scheduler: it reaches into each service's
store through that service's module, which the shared `privacy` library must not."""
