"""Premium and renewal reminders (issue #5): which steps are due, delivery through the customer's
channels (app chat via the hub, SMS via a gateway), quiet hours, opt-out, and the scheduler."""
