"""The live call: the carrier's Media Streams in, the assistant's answers spoken back.

The wire format (media_streams), the audio (codec, vad), one call's session and its parts (hearing,
dialogue, speaking, handoff, hold), what the line says itself (prompts, tts), the assistant and the hub
as the call uses them, the agent's console audio and the call's transcript. Recognition is voice.recognition.
"""
