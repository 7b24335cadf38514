"""The name of the commenter's cookie, for everything that must recognise it.

comments/threads.py sets it when a reader's comment waits for moderation and reads it to show
them that comment; newsroom/pagecache.py lets a request carrying it past the shared page cache;
the bench sends it to do the same. nginx cannot import it, so deploy/nginx-newsroom.conf names
it again and tests/test_comment_privacy.py checks that the two agree. No Django imports here:
the bench imports this without a configured site.
"""

OWN_COMMENTS_COOKIE = "nr_own_comments"
