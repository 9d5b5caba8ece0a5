"""The Rasa side: our NLU components, Rasa patches, channels and the server that starts Rasa.

Imported before anything of Rasa's when the server starts (`python -m bot.server`), so the numeric kernels are
pinned here, before numpy and TensorFlow load: the model runs on the kernels it was trained on (common/numerics_config.py).
Only where Rasa is installed: a process of the app venv that reads a module of ours (settings, the intent gate's
names) runs numpy 2 for speech, pinned by the voice package under its own names (voice/native_config.py).
"""

import importlib.util

from common import numerics_config

if importlib.util.find_spec("rasa") is not None:
    numerics_config.pin()
