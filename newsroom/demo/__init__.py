"""The demo outlet, The Harbour Gazette of Port Ellery: its content as data files
(`outlet.toml`, `stories/`), the module that reads them (`content.py`) and the pictures drawn
for its stories (`pictures.py`). `manage.py load_demo` writes it."""
