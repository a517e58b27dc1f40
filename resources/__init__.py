"""crmdesk's resources: the app icon, the toolbar and menu icons and the theme.

Installed as the package ``crmdesk_resources`` (``setup.py`` maps this folder to it), so
``importlib.resources.files("crmdesk_resources")`` finds the files in a wheel, an editable
install and the PyInstaller bundle alike. ``crmdesk/ui/icons.py`` reads them; nothing
here is Python but this file.
"""
