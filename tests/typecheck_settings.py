"""The settings module of mypy's Django plugin (``[tool.django-stubs]`` in pyproject.toml), which imports it to
learn the apps and models: twostep's own settings, in the demo profile with a data folder of their own, so type
checking neither needs a deployment's environment nor writes to ./var."""

import os
import tempfile

os.environ["TWOSTEP_PROFILE"] = "demo"
os.environ["TWOSTEP_DATA_DIR"] = os.path.join(tempfile.gettempdir(), "twostep-typecheck")

from twostep.settings import *  # noqa: E402, F403
