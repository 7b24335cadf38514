"""How readers may order a story's conversations: the names, written once.

The story page reads `?sort=` (comments/threads.py) and the page cache keeps it in its key
(newsroom/pagecache.py) for these values only; any other value is the default order, shown
without a cache entry of its own. Imports nothing, so the page cache can read it cheaply.
"""

SORT_PARAMETER = "sort"
DEFAULT_SORT = "oldest"
# value -> the link's words
SORTS = {"oldest": "Oldest", "newest": "Newest", "replies": "Most replies"}


def known_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT
