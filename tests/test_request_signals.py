"""newsroom/request_signals.py: Django's close_caches receiver leaves only when no configured
cache has anything to close."""

from django.core import signals
from django.core.cache import close_caches

from newsroom.request_signals import closing_needed


def test_the_shipped_caches_need_no_closing_so_the_receiver_is_gone():
    # Disconnecting again finds nothing: the app disconnected it at start-up.
    assert signals.request_finished.disconnect(close_caches) is False


def test_local_memory_redis_and_disk_caches_need_no_closing(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {"BACKEND": "newsroom.resilient_cache.ResilientRedisCache", "LOCATION": ""},
        "disk": {"BACKEND": "newsroom.disk_cache.DiskCache", "LOCATION": "/tmp/unused"},
    }
    assert closing_needed() is False


def test_redis_told_to_close_its_connections_needs_closing(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.resilient_cache.ResilientRedisCache",
            "LOCATION": "",
            "OPTIONS": {"CLOSE_CONNECTION": True},
        }
    }
    assert closing_needed() is True


def test_memcached_needs_closing(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "memcached": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": "127.0.0.1:11211",
        },
    }
    assert closing_needed() is True
