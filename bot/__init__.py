"""The Rasa side: our NLU components, Rasa patches, channels and the server that starts Rasa.

Imported before anything of Rasa's when the server starts (`python -m bot.server`), so the numeric kernels are
pinned here, before numpy and TensorFlow load: the model answers as on every other host (common/numerics_config.py).
"""

from common import numerics_config

numerics_config.pin()
