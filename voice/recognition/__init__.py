"""Speech recognition and what is done to a transcript before the assistant reads it.

faster-whisper with two stand-ins around CTranslate2 (short_window, rescoring with domain_lm), the
Mandarin sound-alike check against the audio (sound_alike_search, acoustic_check), and the cleaning of
each hypothesis (vocabulary, lexicon, heard_slips with its table in data/). Imports nothing of the line.
"""
