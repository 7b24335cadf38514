"""The names of the commenter's cookies, for everything that must recognise them.

OWN_COMMENTS_COOKIE: comments/threads.py sets it when a reader's comment waits for moderation
and reads it to show them that comment; newsroom/pagecache.py lets a request carrying it past
the shared page cache; the bench sends it to do the same. nginx cannot import it, so
deploy/nginx-newsroom.conf names it again and tests/test_comment_privacy.py checks that the
two agree.

TRUSTED_COOKIE: comments/trust.py sets it on a browser that has shown it belongs to an
address. It changes nothing a page shows, so it is read only by the views that take comments
and is deliberately in neither cache's list of personal cookies: a trusted commenter keeps
getting the shared page like every other reader (tests/test_comment_privacy.py checks that).

No Django imports here: the bench imports this without a configured site.
"""

OWN_COMMENTS_COOKIE = "nr_own_comments"
TRUSTED_COOKIE = "nr_trusted"
