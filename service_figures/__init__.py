"""Service figures: conversations, resolution by the bot, handoffs, accept time, CSAT and
reminders per day and language, from Rasa's event broker, the hub's records and the reminders table."""
