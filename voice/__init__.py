"""The voice line: telephony audio (Twilio Media Streams) joined to the same Rasa assistant.

Speech recognition with faster-whisper (CPU, int8), spoken replies (piper for English, espeak-ng for
Mandarin), keypad input, read-back of numbers, handoff to the hub with hold prompts, and masked
transcripts in the database. `python -m voice` starts the gateway.

Importing the package pins the kernels recognition runs on (voice/native_config.py): they are read when numpy
and CTranslate2 load, so this must come first, and every process that hears speech imports `voice` first.
"""

from voice.native_config import pin_recognition_numerics

pin_recognition_numerics()
