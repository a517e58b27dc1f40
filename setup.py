"""Packaging: pyproject.toml holds everything but one mapping, which it cannot express.

The top-level ``resources/`` folder (app icon, icons, theme, translations) is installed as
the package ``crmdesk_resources``, so ``importlib.resources.files("crmdesk_resources")``
finds it from an editable install, a wheel and the PyInstaller bundle alike. The
``packages.find`` table of pyproject.toml finds a package only under its own folder name,
so the package list and that mapping are made here; pyproject.toml names the data files.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["crmdesk", "crmdesk.*"]), "crmdesk_resources"],
    package_dir={"crmdesk_resources": "resources"},
)
