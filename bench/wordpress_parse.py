"""Time `parse_wxr` on a generated export of 10,000 posts and 100,000 comments.

    NEWSROOM_DEBUG=1 .venv/bin/python bench/wordpress_parse.py [POSTS] [COMMENTS_PER_POST]

Writes the export to a temporary file (about 90 MB at the default size), parses it once,
converts every body once, and prints the sizes, times and the process's peak memory. The
content is fictional filler shaped like a small outlet's classic-editor stories.

Measured on the shared 2-core development machine (load average about 6, so well under one
core for us), November 2026: 99 MB written; 10,000 posts and 100,000 comments parsed in
22 s (4.5 MB/s); 10,000 bodies converted in 7 s; peak memory 143 MB for the process.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from newsroom.wordpress.markup import wordpress_body_to_html  # noqa: E402
from newsroom.wordpress.wxr import parse_wxr  # noqa: E402

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>The Benchmark Bugle</title><link>https://bugle.test</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login>
<wp:author_email><![CDATA[desk@bugle.test]]></wp:author_email>
<wp:author_display_name><![CDATA[News Desk]]></wp:author_display_name></wp:author>
"""
PARAGRAPH = (
    "The harbour board met on Tuesday and voted 7–2 to raise mooring fees by 4.5%, "
    "the first rise since 2019. Chair Edda Lindqvist said the money would pay for "
    "dredging the inner basin.\n"
)
BODY = "\n".join([PARAGRAPH] * 6) + '\n[caption id="a"]<img src="x.jpg"> A quay.[/caption]\n'


def comment(post: int, number: int) -> str:
    parent = number - 1 if number % 3 else 0
    return f"""<wp:comment><wp:comment_id>{number}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {number}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[reader{number}@example.test]]></wp:comment_author_email>
<wp:comment_author_url></wp:comment_author_url>
<wp:comment_author_IP><![CDATA[192.0.2.{number % 250}]]></wp:comment_author_IP>
<wp:comment_date><![CDATA[2024-02-01 10:00:00]]></wp:comment_date>
<wp:comment_date_gmt><![CDATA[2024-02-01 10:00:00]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[I was at the meeting on post {post}; the vote was closer.]]>
</wp:comment_content>
<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
<wp:comment_type><![CDATA[comment]]></wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
</wp:comment>
"""


def post(number: int, comments_per_post: int) -> str:
    comments = "".join(
        comment(number, number * comments_per_post + i) for i in range(comments_per_post)
    )
    return f"""<item><title><![CDATA[Mooring fees rise, story {number}]]></title>
<link>https://bugle.test/2024/01/story-{number}/</link>
<dc:creator><![CDATA[desk]]></dc:creator>
<guid isPermaLink="false">https://bugle.test/?p={number}</guid>
<content:encoded><![CDATA[{BODY}]]></content:encoded>
<excerpt:encoded><![CDATA[Fees rise 4.5%.]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id>
<wp:post_date><![CDATA[2024-01-15 09:30:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2024-01-15 09:30:00]]></wp:post_date_gmt>
<wp:comment_status><![CDATA[open]]></wp:comment_status>
<wp:post_name><![CDATA[story-{number}]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="harbour"><![CDATA[Harbour]]></category>
<category domain="post_tag" nicename="fees"><![CDATA[Fees]]></category>
<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key>
<wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
{comments}</item>
"""


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    comments_per_post = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as file:
            file.write(HEAD)
            for number in range(1, posts + 1):
                file.write(post(number, comments_per_post))
            file.write("</channel></rss>\n")
        size = path.stat().st_size
        print(f"wrote {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        export = parse_wxr(path)
        parsed = time.perf_counter() - started
        comments = sum(len(p.comments) for p in export.posts)
        print(
            f"parsed {len(export.posts):,} posts and {comments:,} comments in {parsed:.1f} s "
            f"({size / 1e6 / parsed:.1f} MB/s)"
        )

        started = time.perf_counter()
        for story in export.posts:
            wordpress_body_to_html(story.content)
        print(f"converted {len(export.posts):,} bodies in {time.perf_counter() - started:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
