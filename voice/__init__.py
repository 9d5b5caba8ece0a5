"""The voice line: telephony audio (Twilio Media Streams) joined to the same Rasa assistant.

Speech recognition with faster-whisper (CPU, int8), spoken replies (piper for English, espeak-ng for
Mandarin), keypad input, read-back of numbers, handoff to the hub with hold prompts, and masked
transcripts in the database. `python -m voice` starts the gateway.
"""
