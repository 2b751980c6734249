"""Start Home Assistant (`hass`), tolerating Python 3.13.0/3.13.1.

HA 2026.2 declares Python >= 3.13.2 and `hass` refuses to start below it. Some of
our machines only have 3.13.0, on which HA runs fine; there, and only there, this
launcher lowers HA's own version check. On any other Python it is plain `hass`.
"""

import sys

import homeassistant.const

if (3, 13, 0) <= sys.version_info[:3] < homeassistant.const.REQUIRED_PYTHON_VER:
    homeassistant.const.REQUIRED_PYTHON_VER = sys.version_info[:3]

from homeassistant.__main__ import main

sys.exit(main())
