"""Premium and renewal reminders: which steps are due, delivery through the customer's
channels (app chat via the hub, SMS via a gateway), quiet hours, opt-out, and the scheduler."""
