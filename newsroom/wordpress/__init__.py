"""The WordPress importer: a WordPress export (WXR file) into stories, bylines and comments.

It sits in the site layer because it writes both stories and comments. Reading touches no
database; writing is idempotent and atomic per post.

- `wxr.py` reads the file safely (`parse_wxr`), refusing what an export never contains;
  `elements.py` maps its elements to records as they stream past, and `export.py` holds those
  records (posts, comments, attachments, authors, terms) as frozen dataclasses.
- `markup.py` converts WordPress body markup (block comments, auto-paragraphs, shortcodes,
  captions, embeds) into a story body, and comment HTML into text.
- `importer.py` writes the export (`import_wordpress`), with `authors.py` (bylines and staff
  accounts), `media.py` (featured images from the uploads folder) and `comments.py`
  (comments and their moderation-log lines); `report.py` is what it says it did.

The command is `manage.py import_wordpress` (newsroom/management/commands/import_wordpress.py).
"""
